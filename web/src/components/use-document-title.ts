import { useEffect } from 'react';

/**
 * Names the browser tab after the page, most specific part first, the product last.
 *
 * @example useDocumentTitle(model?.name, 'Model Library') // "DeepSeek-V3 · Model Library · DevUp Gateway"
 */
export function useDocumentTitle(...parts: Array<string | undefined>): void {
  const title = [...parts.filter(Boolean), 'DevUp Gateway'].join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}
