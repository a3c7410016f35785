import type { FieldError } from '../../errors.js';

/** An Anthropic content block as we send it (text, image, document, tool_use, tool_result). */
export type ContentBlock = Record<string, unknown> & { type: string };

const dataUrl = /^data:([^;,]+);base64,(.*)$/s;

/**
 * OpenAI message content (a string or content parts) as Anthropic content blocks. Text parts keep
 * their `cache_control`; `image_url` data URLs become base64 image blocks and http(s) URLs
 * url-sourced ones; `file` parts with a data URL become document blocks. Unsupported parts are
 * reported in `errors` under `path`.
 *
 * @example toContentBlocks([{ type: 'text', text: 'hi' }], 'messages[0].content', errors) // [{ type: 'text', text: 'hi' }]
 */
export function toContentBlocks(content: unknown, path: string, errors: FieldError[]): ContentBlock[] {
  if (content === null || content === undefined) return [];
  // Anthropic rejects empty text blocks; an empty string simply adds nothing.
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) {
    errors.push({ path, message: 'must be a string or an array of content parts' });
    return [];
  }
  const blocks: ContentBlock[] = [];
  content.forEach((part: any, index) => {
    const partPath = `${path}[${index}]`;
    const block = toContentBlock(part, partPath, errors);
    if (block) blocks.push(block);
  });
  return blocks;
}

function toContentBlock(part: any, path: string, errors: FieldError[]): ContentBlock | undefined {
  switch (part?.type) {
    case 'text':
      if (typeof part.text !== 'string') errors.push({ path: `${path}.text`, message: 'must be a string' });
      else if (part.text)
        return part.cache_control
          ? { type: 'text', text: part.text, cache_control: part.cache_control }
          : { type: 'text', text: part.text };
      return undefined;
    case 'image_url': {
      const url: unknown = typeof part.image_url === 'string' ? part.image_url : part.image_url?.url;
      if (typeof url !== 'string') {
        errors.push({ path: `${path}.image_url.url`, message: 'must be a string' });
        return undefined;
      }
      const match = dataUrl.exec(url);
      if (match) return { type: 'image', source: { type: 'base64', media_type: match[1], data: match[2] } };
      if (/^https?:\/\//.test(url)) return { type: 'image', source: { type: 'url', url } };
      errors.push({ path: `${path}.image_url.url`, message: 'must be a base64 data URL or an http(s) URL' });
      return undefined;
    }
    case 'file': {
      const match = typeof part.file?.file_data === 'string' ? dataUrl.exec(part.file.file_data) : null;
      if (match) return { type: 'document', source: { type: 'base64', media_type: match[1], data: match[2] } };
      errors.push({
        path: `${path}.file.file_data`,
        message: 'must be a base64 data URL (file ids are not supported by Anthropic targets)',
      });
      return undefined;
    }
    default:
      errors.push({ path: `${path}.type`, message: `content part type '${String(part?.type)}' is not supported by Anthropic targets` });
      return undefined;
  }
}
