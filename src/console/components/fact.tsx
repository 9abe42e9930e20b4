import type { ReactNode } from 'react';

/** One line of a `<dl className="facts">`: what it is, and its value. */
export function Fact({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
