import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * The frame a table scrolls sideways in. When the table is wider than the screen, a hint says so
 * and the frame becomes a named, focusable region, so the keyboard can scroll it too.
 *
 * @example <TableScroll label="Chat model benchmark results"><table>…</table></TableScroll>
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  const frame = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);

  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    const measure = () => setOverflows(element.scrollWidth > element.clientWidth + 1);
    // The frame resizes with the window, the table with its data.
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    for (const child of Array.from(element.children)) observer.observe(child);
    return () => observer.disconnect();
  }, []);

  return (
    <>
      <div
        ref={frame}
        className="table-wrap"
        role={overflows ? 'region' : undefined}
        aria-label={overflows ? label : undefined}
        tabIndex={overflows ? 0 : undefined}
      >
        {children}
      </div>
      {overflows && (
        <p className="scroll-hint" aria-hidden="true">
          Scroll sideways for more →
        </p>
      )}
    </>
  );
}
