/** Linear and log scales plus "nice" ticks for the SVG charts. */
export interface Scale {
  (value: number): number;
  ticks: number[];
}

export function linearScale(domain: [number, number], range: [number, number], tickCount = 5): Scale {
  let [low, high] = domain;
  if (low === high) [low, high] = [low - 1, high + 1];
  const step = niceStep((high - low) / tickCount);
  low = Math.floor(low / step) * step;
  high = Math.ceil(high / step) * step;
  const scale = ((value: number) => range[0] + ((value - low) / (high - low)) * (range[1] - range[0])) as Scale;
  scale.ticks = [];
  for (let tick = low; tick <= high + step / 2; tick += step) scale.ticks.push(Number(tick.toPrecision(12)));
  return scale;
}

/** Log10 scale for parameter counts (21B and 405B on one axis). */
export function logScale(domain: [number, number], range: [number, number]): Scale {
  const low = Math.floor(Math.log10(Math.max(domain[0], 1)));
  const high = Math.max(Math.ceil(Math.log10(Math.max(domain[1], 1))), low + 1);
  const scale = ((value: number) => range[0] + ((Math.log10(Math.max(value, 1)) - low) / (high - low)) * (range[1] - range[0])) as Scale;
  scale.ticks = [];
  for (let power = low; power <= high; power++) {
    for (const multiple of [1, 2, 5]) {
      const tick = multiple * 10 ** power;
      if (tick >= 10 ** low && tick <= 10 ** high) scale.ticks.push(tick);
    }
  }
  return scale;
}

function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough || 1));
  const fraction = rough / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** A colour per series, readable on white and distinguishable for common colour blindness. */
export const seriesColors = ['#4f46e5', '#0891b2', '#d97706', '#db2777', '#059669', '#7c3aed', '#dc2626', '#475569'];
