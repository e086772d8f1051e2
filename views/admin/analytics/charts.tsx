import type { Child } from "hono/jsx";

/**
 * Charts drawn on the server as SVG: no chart library in the browser. Each is an image with
 * a title and a description for screen readers (the figures themselves follow as a table),
 * drawn in the page's text colour so it prints.
 */

export interface ChartText {
  id: string;
  title: string;
  description: string;
}

function Svg(
  { id, title, description, width, height, children }: ChartText & {
    width: number;
    height: number;
    children: Child;
  },
) {
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-desc`}
      preserveAspectRatio="xMidYMid meet"
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      {children}
    </svg>
  );
}

/** Columns over time (revenue by day), with the highest value named on the axis. */
export function ColumnChart(
  props: ChartText & { points: { label: string; value: number }[]; format: (v: number) => string },
) {
  const width = 720;
  const height = 220;
  const top = 20;
  const bottom = 24;
  const left = 4;
  const max = Math.max(1, ...props.points.map((p) => p.value));
  const step = (width - left) / Math.max(1, props.points.length);
  const bar = Math.max(1, step * 0.75);
  const scale = (v: number) => ((height - top - bottom) * v) / max;
  const first = props.points[0]?.label ?? "";
  const last = props.points.at(-1)?.label ?? "";
  return (
    <Svg {...props} width={width} height={height}>
      <line x1={left} x2={width} y1={height - bottom} y2={height - bottom} class="chart-axis" />
      <text x={left} y={12} class="chart-label">{`Highest: ${props.format(max)}`}</text>
      {props.points.map((p, i) => (
        <rect
          x={left + i * step}
          y={height - bottom - scale(p.value)}
          width={bar}
          height={scale(p.value)}
          class="chart-bar"
        >
          <title>{`${p.label}: ${props.format(p.value)}`}</title>
        </rect>
      ))}
      <text x={left} y={height - 6} class="chart-label">{first}</text>
      <text x={width} y={height - 6} text-anchor="end" class="chart-label">{last}</text>
    </Svg>
  );
}

/** Horizontal bars with their names and values (top products, categories). */
export function BarList(
  props: ChartText & { bars: { label: string; value: number }[]; format: (v: number) => string },
) {
  const rowHeight = 26;
  const width = 720;
  const labelWidth = 220;
  const valueWidth = 110;
  const height = Math.max(rowHeight, props.bars.length * rowHeight);
  const max = Math.max(1, ...props.bars.map((b) => b.value));
  const room = width - labelWidth - valueWidth;
  return (
    <Svg {...props} width={width} height={height}>
      {props.bars.map((b, i) => (
        <g transform={`translate(0 ${i * rowHeight})`}>
          <text x={0} y={17} class="chart-label">
            {b.label.length > 30 ? `${b.label.slice(0, 29)}…` : b.label}
          </text>
          <rect
            x={labelWidth}
            y={5}
            width={Math.max(1, (room * b.value) / max)}
            height={16}
            class="chart-bar"
          />
          <text x={width} y={17} text-anchor="end" class="chart-label">
            {props.format(b.value)}
          </text>
        </g>
      ))}
    </Svg>
  );
}

const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** Weekday × hour, darker where more happened; only the hours anything happened in. */
export function HeatMap(
  props: ChartText & { cells: { weekday: number; hour: number; value: number }[] },
) {
  const used = props.cells.filter((c) => c.value > 0).map((c) => c.hour);
  const firstHour = used.length ? Math.min(...used) : 6;
  const lastHour = used.length ? Math.max(...used) : 18;
  const hours = Array.from({ length: lastHour - firstHour + 1 }, (_, i) => firstHour + i);
  const cell = 30;
  const left = 40;
  const top = 18;
  const max = Math.max(1, ...props.cells.map((c) => c.value));
  const value = new Map(props.cells.map((c) => [`${c.weekday}:${c.hour}`, c.value]));
  // Monday first, as a bakery's week reads.
  const order = [1, 2, 3, 4, 5, 6, 0];
  return (
    <Svg {...props} width={left + hours.length * cell} height={top + 7 * cell}>
      {hours.map((h, x) => (
        <text x={left + x * cell + cell / 2} y={12} text-anchor="middle" class="chart-label">
          {String(h).padStart(2, "0")}
        </text>
      ))}
      {order.map((weekday, y) => (
        <g>
          <text x={0} y={top + y * cell + 19} class="chart-label">{days[weekday]}</text>
          {hours.map((h, x) => {
            const v = value.get(`${weekday}:${h}`) ?? 0;
            return (
              <rect
                x={left + x * cell + 1}
                y={top + y * cell + 1}
                width={cell - 2}
                height={cell - 2}
                class="chart-cell"
                fill-opacity={v ? 0.12 + 0.88 * (v / max) : 0.03}
              >
                <title>{`${days[weekday]} ${String(h).padStart(2, "0")}:00: ${v}`}</title>
              </rect>
            );
          })}
        </g>
      ))}
    </Svg>
  );
}
