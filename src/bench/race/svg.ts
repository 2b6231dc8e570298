// A small SVG writer for the race's charts: grouped bar charts and line charts. The
// layout comes from the data alone (no clock, no fonts measured, no locale), so the same
// data gives the same bytes and a committed chart changes only when a figure does.
import { type Contender } from './results.js';

/** One colour per contender, the same in every chart (colour-blind safe, Okabe-Ito). */
export const CONTENDER_COLOURS: Readonly<Record<Contender, string>> = {
  'custom-scheduler': '#0072B2',
  'kube-scheduler': '#E69F00',
  'kube-scheduler+podgroups': '#CC79A7',
  'floor-binder': '#8C8C8C',
};

/** A named colour: a legend entry, and the bars or line drawn for it. */
export interface Series {
  readonly name: string;
  readonly colour: string;
}

export interface Bar {
  /** The series (legend entry) that gives the bar its colour. */
  readonly series: string;
  /** Absent when there is nothing to draw (a run that never got there): only the text shows. */
  readonly value?: number;
  /** Written at the end of the bar, e.g. "12.3 s" or "never". */
  readonly text: string;
}

export interface BarGroup {
  readonly label: string;
  readonly bars: readonly Bar[];
}

export interface BarPanel {
  readonly heading?: string;
  readonly orientation: 'horizontal' | 'vertical';
  /** Title of the value axis, with its unit: "time to all bound (s)". */
  readonly axis: string;
  readonly groups: readonly BarGroup[];
}

/** Bar panels stacked under one title and one legend. */
export interface BarChart {
  readonly title: string;
  readonly series: readonly Series[];
  readonly panels: readonly BarPanel[];
}

export interface LineSeries extends Series {
  /** One value per point of the chart; absent values break the line. */
  readonly values: readonly (number | undefined)[];
}

export interface LineChart {
  readonly title: string;
  /** Labels of the x axis, in order. */
  readonly points: readonly string[];
  readonly xAxis: string;
  /** Title of the y axis, with its unit. */
  readonly yAxis: string;
  readonly series: readonly LineSeries[];
  /** A horizontal line across the plot, e.g. a memory target. */
  readonly reference?: { readonly value: number; readonly label: string };
}

const FONT = 13;
const TITLE_FONT = 16;
const PAD = 16;
const BAR = 18;
const BAR_GAP = 4;
const GROUP_GAP = 16;
const PLOT_LENGTH = 480;
const PLOT_HEIGHT = 260;
const TEXT = '#1f2328';
const MUTED = '#59636e';
const GRID = '#d0d7de';
const FONTS = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

/** A drawn piece with its size; its elements are placed from its own origin. */
interface Block {
  readonly width: number;
  readonly height: number;
  readonly elements: readonly string[];
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Digits grouped by thousands with commas, whatever the machine's locale. */
export function formatNumber(value: number, decimals: number): string {
  const [whole = '', fraction] = value.toFixed(decimals).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** Coordinates rounded to a tenth of a pixel, so float noise never reaches the file. */
function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Fonts are not measured (that would depend on the machine): an average glyph is assumed. */
function textWidth(text: string, size = FONT): number {
  return text.length * size * 0.6;
}

function text(x: number, y: number, content: string, attributes = ''): string {
  const extra = attributes === '' ? '' : ` ${attributes}`;
  return `<text x="${px(x)}" y="${px(y)}"${extra}>${escapeXml(content)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, attributes: string): string {
  return `<line x1="${px(x1)}" y1="${px(y1)}" x2="${px(x2)}" y2="${px(y2)}" ${attributes}/>`;
}

function rect(x: number, y: number, width: number, height: number, attributes: string, tip?: string): string {
  const place = `x="${px(x)}" y="${px(y)}" width="${px(width)}" height="${px(height)}"`;
  if (tip === undefined) return `<rect ${place} ${attributes}/>`;
  return `<rect ${place} ${attributes}><title>${escapeXml(tip)}</title></rect>`;
}

function translated(block: Block, x: number, y: number): string[] {
  return [`<g transform="translate(${px(x)},${px(y)})">`, ...block.elements, '</g>'];
}

export interface AxisScale {
  readonly step: number;
  /** Ticks from 0 to step * count. */
  readonly count: number;
}

/** A round step (1, 2 or 5 times a power of ten) giving about five ticks that reach max. */
export function axisScale(max: number): AxisScale {
  if (!(max > 0) || !Number.isFinite(max)) return { step: 1, count: 1 };
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  // The tolerance keeps a maximum that is a multiple of the step from adding an empty tick.
  return { step, count: Math.max(1, Math.ceil(max / step - 1e-9)) };
}

function ticks(scale: AxisScale): readonly { readonly value: number; readonly label: string }[] {
  const decimals = scale.step >= 1 ? 0 : Math.ceil(-Math.log10(scale.step) - 1e-9);
  return Array.from({ length: scale.count + 1 }, (_, i) => {
    const value = i * scale.step;
    return { value, label: formatNumber(value, decimals) };
  });
}

function top(scale: AxisScale): number {
  return scale.step * scale.count;
}

function largest(values: readonly number[]): number {
  return values.reduce((a, b) => Math.max(a, b), 0);
}

function barValues(groups: readonly BarGroup[]): number[] {
  return groups.flatMap((g) => g.bars.flatMap((b) => (b.value === undefined ? [] : [b.value])));
}

function colourOf(series: readonly Series[], name: string): string {
  return series.find((s) => s.name === name)?.colour ?? MUTED;
}

function barRect(x: number, y: number, width: number, height: number, colour: string, bar: Bar): string {
  return rect(x, y, width, height, `class="bar" fill="${escapeXml(colour)}"`, `${bar.series}: ${bar.text}`);
}

function heading(panel: BarPanel): { readonly height: number; readonly elements: readonly string[] } {
  if (panel.heading === undefined) return { height: 0, elements: [] };
  return { height: 24, elements: [text(PAD, 16, panel.heading, 'font-weight="600"')] };
}

/** Groups down the page, bars growing to the right: room for long case labels. */
function horizontalPanel(panel: BarPanel, series: readonly Series[]): Block {
  const head = heading(panel);
  const bars = panel.groups.flatMap((g) => g.bars);
  const labelWidth = largest([40, ...panel.groups.map((g) => textWidth(g.label))]) + 12;
  const valueRoom = largest(bars.map((b) => textWidth(b.text))) + 12;
  const scale = axisScale(largest(barValues(panel.groups)));
  const left = PAD + labelWidth;
  const length = (value: number): number => (value / top(scale)) * PLOT_LENGTH;
  const plotTop = head.height + 8;
  const drawn: string[] = [];
  let y = plotTop;
  for (const group of panel.groups) {
    const groupHeight = group.bars.length * (BAR + BAR_GAP) - BAR_GAP;
    drawn.push(text(left - 8, y + groupHeight / 2, group.label, 'text-anchor="end" dy="0.35em"'));
    for (const bar of group.bars) {
      const width = bar.value === undefined ? 0 : length(bar.value);
      if (bar.value !== undefined) drawn.push(barRect(left, y, width, BAR, colourOf(series, bar.series), bar));
      const style = bar.value === undefined ? ` fill="${MUTED}" font-style="italic"` : '';
      drawn.push(text(left + width + 4, y + BAR / 2, bar.text, `dy="0.35em"${style}`));
      y += BAR + BAR_GAP;
    }
    y += GROUP_GAP - BAR_GAP;
  }
  const plotBottom = Math.max(plotTop, y - GROUP_GAP + 8);
  const grid = ticks(scale).flatMap((tick) => {
    const x = left + length(tick.value);
    return [
      line(x, plotTop, x, plotBottom, `stroke="${GRID}"`),
      text(x, plotBottom + 16, tick.label, `text-anchor="middle" fill="${MUTED}"`),
    ];
  });
  const axis = [
    line(left, plotTop, left, plotBottom, `stroke="${TEXT}"`),
    text(left + PLOT_LENGTH / 2, plotBottom + 36, panel.axis, 'text-anchor="middle"'),
  ];
  return {
    width: left + PLOT_LENGTH + valueRoom + PAD,
    height: plotBottom + 46,
    elements: [...head.elements, ...grid, ...axis, ...drawn],
  };
}

/** Groups across the page, bars growing upwards: for short case labels. */
function verticalPanel(panel: BarPanel, series: readonly Series[]): Block {
  const head = heading(panel);
  const bars = panel.groups.flatMap((g) => g.bars);
  const barWidth = largest([24, ...bars.map((b) => textWidth(b.text) + 6)]);
  const scale = axisScale(largest(barValues(panel.groups)));
  const scaleTicks = ticks(scale);
  const left = PAD + FONT + 8 + largest(scaleTicks.map((t) => textWidth(t.label))) + 8;
  const plotTop = head.height + FONT + 12;
  const plotBottom = plotTop + PLOT_HEIGHT;
  const height = (value: number): number => (value / top(scale)) * PLOT_HEIGHT;
  const drawn: string[] = [];
  let x = left + GROUP_GAP;
  for (const group of panel.groups) {
    const barsWidth = group.bars.length * (barWidth + BAR_GAP) - BAR_GAP;
    const groupWidth = Math.max(barsWidth, textWidth(group.label));
    drawn.push(text(x + groupWidth / 2, plotBottom + 18, group.label, 'text-anchor="middle"'));
    let barX = x + (groupWidth - barsWidth) / 2;
    for (const bar of group.bars) {
      const barHeight = bar.value === undefined ? 0 : height(bar.value);
      const colour = colourOf(series, bar.series);
      if (bar.value !== undefined) drawn.push(barRect(barX, plotBottom - barHeight, barWidth, barHeight, colour, bar));
      const style = bar.value === undefined ? ` fill="${MUTED}" font-style="italic"` : '';
      drawn.push(text(barX + barWidth / 2, plotBottom - barHeight - 4, bar.text, `text-anchor="middle"${style}`));
      barX += barWidth + BAR_GAP;
    }
    x += groupWidth + GROUP_GAP;
  }
  const plotRight = Math.max(x, left + GROUP_GAP);
  const grid = scaleTicks.flatMap((tick) => {
    const y = plotBottom - height(tick.value);
    return [
      line(left, y, plotRight, y, `stroke="${GRID}"`),
      text(left - 6, y, tick.label, `text-anchor="end" dy="0.35em" fill="${MUTED}"`),
    ];
  });
  const axis = [
    line(left, plotBottom, plotRight, plotBottom, `stroke="${TEXT}"`),
    verticalTitle(PAD + FONT / 2, (plotTop + plotBottom) / 2, panel.axis),
  ];
  return {
    width: plotRight + PAD,
    height: plotBottom + 30,
    elements: [...head.elements, ...grid, ...axis, ...drawn],
  };
}

function verticalTitle(x: number, y: number, content: string): string {
  return text(x, y, content, `text-anchor="middle" dy="0.35em" transform="rotate(-90 ${px(x)} ${px(y)})"`);
}

function legend(series: readonly Series[]): Block {
  const elements: string[] = [];
  let x = PAD;
  for (const entry of series) {
    elements.push(rect(x, 0, 12, 12, `class="swatch" fill="${escapeXml(entry.colour)}"`));
    elements.push(text(x + 18, 6, entry.name, 'dy="0.35em"'));
    x += 18 + textWidth(entry.name) + 20;
  }
  return { width: x, height: 12, elements };
}

/** Title, legend, then the blocks one under another, on a white page. */
function figure(title: string, series: readonly Series[], blocks: readonly Block[]): string {
  const key = legend(series);
  const titleWidth = PAD + textWidth(title, TITLE_FONT) + PAD;
  const width = Math.ceil(largest([titleWidth, key.width + PAD, ...blocks.map((b) => b.width)]));
  const body: string[] = [text(PAD, 26, title, `font-size="${TITLE_FONT}" font-weight="600"`)];
  body.push(...translated(key, 0, 40));
  let y = 64;
  for (const block of blocks) {
    body.push(...translated(block, 0, y));
    y += block.height + 8;
  }
  const height = Math.ceil(y);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="${escapeXml(FONTS)}" font-size="${FONT}" fill="${TEXT}">`,
    `<title>${escapeXml(title)}</title>`,
    rect(0, 0, width, height, 'class="background" fill="#ffffff"'),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export function barChartSvg(chart: BarChart): string {
  const blocks = chart.panels.map((panel) =>
    panel.orientation === 'horizontal' ? horizontalPanel(panel, chart.series) : verticalPanel(panel, chart.series),
  );
  return figure(chart.title, chart.series, blocks);
}

/** Index pairs of neighbouring points that both have a value: the segments of a line. */
function segments(values: readonly (number | undefined)[]): readonly (readonly [number, number])[] {
  const pairs: (readonly [number, number])[] = [];
  for (let i = 1; i < values.length; i++) {
    if (values[i - 1] !== undefined && values[i] !== undefined) pairs.push([i - 1, i]);
  }
  return pairs;
}

function linePlot(chart: LineChart): Block {
  const values = chart.series.flatMap((s) => s.values.flatMap((v) => (v === undefined ? [] : [v])));
  const scale = axisScale(largest([...values, chart.reference?.value ?? 0]) * 1.05);
  const scaleTicks = ticks(scale);
  const left = PAD + FONT + 8 + largest(scaleTicks.map((t) => textWidth(t.label))) + 8;
  const step = largest([100, ...chart.points.map((p) => textWidth(p) + 16)]);
  const plotRight = left + step * chart.points.length;
  const plotTop = 8;
  const plotBottom = plotTop + PLOT_HEIGHT;
  const xOf = (i: number): number => left + step * (i + 0.5);
  const yOf = (value: number): number => plotBottom - (value / top(scale)) * PLOT_HEIGHT;
  const elements: string[] = [];
  for (const tick of scaleTicks) {
    elements.push(line(left, yOf(tick.value), plotRight, yOf(tick.value), `stroke="${GRID}"`));
    elements.push(text(left - 6, yOf(tick.value), tick.label, `text-anchor="end" dy="0.35em" fill="${MUTED}"`));
  }
  elements.push(line(left, plotBottom, plotRight, plotBottom, `stroke="${TEXT}"`));
  elements.push(line(left, plotTop, left, plotBottom, `stroke="${TEXT}"`));
  chart.points.forEach((point, i) => {
    elements.push(text(xOf(i), plotBottom + 18, point, 'text-anchor="middle"'));
  });
  elements.push(text((left + plotRight) / 2, plotBottom + 40, chart.xAxis, 'text-anchor="middle"'));
  elements.push(verticalTitle(PAD + FONT / 2, (plotTop + plotBottom) / 2, chart.yAxis));
  if (chart.reference !== undefined) {
    const y = yOf(chart.reference.value);
    elements.push(line(left, y, plotRight, y, `class="reference" stroke="#CF222E" stroke-dasharray="6 4"`));
    elements.push(text(plotRight - 4, y - 6, chart.reference.label, 'text-anchor="end" fill="#CF222E"'));
  }
  for (const series of chart.series) elements.push(...seriesLine(series, xOf, yOf));
  return { width: plotRight + PAD, height: plotBottom + 50, elements };
}

function seriesLine(series: LineSeries, xOf: (i: number) => number, yOf: (v: number) => number): string[] {
  const colour = escapeXml(series.colour);
  const at = (i: number): number => yOf(series.values[i] ?? 0);
  const drawn = segments(series.values).map(([a, b]) =>
    line(xOf(a), at(a), xOf(b), at(b), `stroke="${colour}" stroke-width="2.5"`),
  );
  series.values.forEach((value, i) => {
    if (value === undefined) return;
    const tip = escapeXml(`${series.name}: ${formatNumber(value, 0)}`);
    drawn.push(
      `<circle class="point" cx="${px(xOf(i))}" cy="${px(yOf(value))}" r="4" fill="${colour}" stroke="#ffffff" stroke-width="1.5"><title>${tip}</title></circle>`,
    );
  });
  return drawn;
}

export function lineChartSvg(chart: LineChart): string {
  return figure(chart.title, chart.series, [linePlot(chart)]);
}
