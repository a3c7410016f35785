/** Quotes an argument for POSIX sh only when it needs it; `$(VAR)` stays expandable by the kubelet. */
export function shellQuote(argument: string): string {
  if (/^[\w@%+=:,./$()-]+$/.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}
