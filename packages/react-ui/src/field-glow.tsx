import type { ReactNode } from 'react';
import { useTransientFlag } from './motion/use-transient-flag.ts';

export interface FieldGlowProps {
  /** Changes whenever the field's value changes remotely (e.g. the record version or the value). */
  changeKey: unknown;
  /** How long the glow lasts; default 2,000 ms. */
  glowMs?: number;
  /** Optional visible mark while glowing (R3.4 "just-updated fields marked"), e.g. "Updated by Emma". */
  mark?: string;
  children: ReactNode;
}

/** Wraps a field so a remote change makes it glow briefly (R3.3). No glow on first render. */
export function FieldGlow({ changeKey, glowMs = 2000, mark, children }: FieldGlowProps) {
  const glowing = useTransientFlag(changeKey, glowMs);
  return (
    <div className="ws-glow" data-glowing={glowing || undefined}>
      {children}
      {glowing && mark ? <span className="ws-glow__mark">{mark}</span> : null}
    </div>
  );
}
