export interface SparklineProps {
  label: string;
  values: readonly number[];
  /** Formats the latest value in the caption. */
  format?: (value: number) => string;
  widthPx?: number;
  heightPx?: number;
  tone?: 'accent' | 'green' | 'red' | 'yellow';
}

/** A small history graph (R16.2) as an SVG line; its accessible name states range and latest value. */
export function Sparkline({
  label,
  values,
  format = (value) => value.toFixed(0),
  widthPx = 220,
  heightPx = 48,
  tone = 'accent',
}: SparklineProps) {
  const latest = values[values.length - 1];
  const min = values.length > 0 ? Math.min(...values) : 0;
  const max = values.length > 0 ? Math.max(...values) : 0;
  const span = max - min || 1;
  const step = values.length > 1 ? widthPx / (values.length - 1) : widthPx;
  const points = values.map(
    (value, index) =>
      `${(index * step).toFixed(1)},${(heightPx - 4 - ((value - min) / span) * (heightPx - 8)).toFixed(1)}`,
  );
  const description =
    latest === undefined
      ? `${label}: no data yet`
      : `${label}: now ${format(latest)}, range ${format(min)} to ${format(max)} over ${values.length} samples`;
  return (
    <figure className="ws-sparkline" data-tone={tone}>
      <figcaption className="ws-sparkline__caption">
        <span>{label}</span>
        <strong>{latest === undefined ? '—' : format(latest)}</strong>
      </figcaption>
      <svg
        role="img"
        aria-label={description}
        width="100%"
        height={heightPx}
        viewBox={`0 0 ${widthPx} ${heightPx}`}
        preserveAspectRatio="none"
      >
        {points.length > 1 ? (
          <>
            <polygon
              className="ws-sparkline__area"
              points={`0,${heightPx} ${points.join(' ')} ${widthPx},${heightPx}`}
            />
            <polyline className="ws-sparkline__line" points={points.join(' ')} fill="none" />
          </>
        ) : null}
      </svg>
    </figure>
  );
}
