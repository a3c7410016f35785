// Query parameters that carry credentials: `?api_key=`, `key=` (Google), `access_token=`,
// `sig=`/`X-Amz-Signature=` (signed URLs), `password=`, `client_secret=`, `auth=`, `session=`.
const secretName = /key|token|secret|passw|pwd|sig|auth|credential|session/i;

/** True for a query parameter (or header, or variable) name whose value is a credential. */
export function isSecretName(name: string): boolean {
  return secretName.test(name);
}

/**
 * The URL with its credentials replaced by `censor`: the user info of an absolute URL
 * (`https://user:pass@host`) and the values of auth-like query parameters. Everything else is
 * kept byte for byte (a path such as `/api/models?q=x` is not normalised).
 *
 * @example redactUrl('/v1/models?api_key=sk-123&limit=5') // '/v1/models?api_key=[redacted]&limit=5'
 * @example redactUrl('https://me:pw@host/v1', '***') // 'https://***@host/v1'
 */
export function redactUrl(url: string, censor = '[redacted]'): string {
  const withoutUserInfo = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, `$1${censor}@`);
  const queryStart = withoutUserInfo.indexOf('?');
  if (queryStart < 0) return withoutUserInfo;
  const fragmentStart = withoutUserInfo.indexOf('#', queryStart);
  const queryEnd = fragmentStart < 0 ? withoutUserInfo.length : fragmentStart;
  const query = withoutUserInfo
    .slice(queryStart + 1, queryEnd)
    .split('&')
    .map((parameter) => {
      const separator = parameter.indexOf('=');
      return separator > 0 && isSecretName(decodeName(parameter.slice(0, separator)))
        ? `${parameter.slice(0, separator)}=${censor}`
        : parameter;
    })
    .join('&');
  return `${withoutUserInfo.slice(0, queryStart + 1)}${query}${withoutUserInfo.slice(queryEnd)}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
