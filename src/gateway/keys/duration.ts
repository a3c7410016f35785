const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The pattern accepted for key lifetimes: a whole number and a unit, e.g. `30d`, `12h`, `90m`. */
export const durationPattern = /^(\d+)([smhdw])$/;

/** `30d` → milliseconds; undefined for text that does not match `durationPattern`. */
export function parseDuration(text: string): number | undefined {
  const match = durationPattern.exec(text.trim());
  return match ? Number(match[1]) * units[match[2]] : undefined;
}
