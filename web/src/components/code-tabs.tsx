import { useState } from 'react';
import { CopyButton } from './copy-button.js';

export interface CodeSample {
  label: string;
  code: string;
}

/** Tabs of code samples (curl, Python, TypeScript) with a copy button. */
export function CodeTabs({ samples }: { samples: CodeSample[] }) {
  const [active, setActive] = useState(0);
  const sample = samples[active];
  return (
    <div className="code-tabs">
      <div className="code-tabs-bar" role="tablist">
        {samples.map((entry, index) => (
          <button
            key={entry.label}
            type="button"
            role="tab"
            aria-selected={index === active}
            className={index === active ? 'tab active' : 'tab'}
            onClick={() => setActive(index)}
          >
            {entry.label}
          </button>
        ))}
        <span className="spacer" />
        <CopyButton text={sample.code} />
      </div>
      <pre className="code">
        <code>{sample.code}</code>
      </pre>
    </div>
  );
}
