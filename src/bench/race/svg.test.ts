import { axisScale, type BarChart, barChartSvg, escapeXml, formatNumber, type LineChart, lineChartSvg } from './svg.js';

/** Every tag closed in order, every & an entity: enough of XML to catch a broken writer. */
function expectWellFormed(svg: string): void {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.endsWith('</svg>\n')).toBe(true);
  expect(svg).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
  const open: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)[^<>]*?(\/?)>/g)) {
    if (name === undefined) continue;
    if (closing === '/') expect(open.pop()).toBe(name);
    else if (selfClosing !== '/') open.push(name);
  }
  expect(open).toEqual([]);
  expect(svg.replace(/<[^<>]*>/g, '')).not.toMatch(/[<>]/);
}

function countOf(svg: string, fragment: string): number {
  return svg.split(fragment).length - 1;
}

const series = [
  { name: 'custom-scheduler', colour: '#0072B2' },
  { name: 'kube-scheduler', colour: '#E69F00' },
];

function chart(orientation: 'horizontal' | 'vertical'): BarChart {
  return {
    title: 'Time <to> all bound & more',
    series,
    panels: [
      {
        orientation,
        axis: 'time to all bound (s)',
        groups: [
          {
            label: '1,000 pods / 100 nodes',
            bars: [
              { series: 'custom-scheduler', value: 2.1, text: '2.10 s' },
              { series: 'kube-scheduler', value: 6.4, text: '6.40 s' },
            ],
          },
          {
            label: 'pods "<b>&"',
            bars: [
              { series: 'custom-scheduler', text: 'did not complete' },
              { series: 'kube-scheduler', value: 64, text: '64.0 s' },
            ],
          },
        ],
      },
    ],
  };
}

describe('bar chart', () => {
  it.each(['horizontal', 'vertical'] as const)('%s: one rect per bar with a value, text for the others', (o) => {
    const svg = barChartSvg(chart(o));
    expectWellFormed(svg);
    expect(countOf(svg, 'class="bar"')).toBe(3);
    expect(countOf(svg, 'class="swatch"')).toBe(2);
    expect(svg).toContain('>did not complete</text>');
    expect(svg).toContain('>64.0 s</text>');
    expect(svg).toContain('>time to all bound (s)</text>');
  });

  it('escapes labels and titles', () => {
    const svg = barChartSvg(chart('horizontal'));
    expect(svg).toContain('<title>Time &lt;to&gt; all bound &amp; more</title>');
    expect(svg).toContain('>pods &quot;&lt;b&gt;&amp;&quot;</text>');
    expect(svg).not.toContain('<b>');
  });

  it('colours each bar by its series', () => {
    const svg = barChartSvg(chart('horizontal'));
    expect(countOf(svg, 'class="bar" fill="#0072B2"')).toBe(1);
    expect(countOf(svg, 'class="bar" fill="#E69F00"')).toBe(2);
  });

  it('draws bars to scale on a round axis', () => {
    const svg = barChartSvg(chart('horizontal'));
    // 64 s on an axis to 80 s of 480 px: 384 px.
    expect(svg).toContain('width="384" height="18" class="bar" fill="#E69F00"><title>kube-scheduler: 64.0 s</title>');
    for (const tick of ['0', '20', '40', '60', '80']) expect(svg).toContain(`>${tick}</text>`);
  });

  it('gives the same bytes for the same chart', () => {
    expect(barChartSvg(chart('vertical'))).toBe(barChartSvg(chart('vertical')));
  });

  it('stacks panels with their headings under one legend', () => {
    const one = chart('horizontal');
    const first = one.panels[0];
    if (first === undefined) throw new Error('fixture has a panel');
    const svg = barChartSvg({
      ...one,
      panels: [
        { ...first, heading: 'First' },
        { ...first, heading: 'Second' },
      ],
    });
    expectWellFormed(svg);
    expect(countOf(svg, 'class="bar"')).toBe(6);
    expect(countOf(svg, 'class="swatch"')).toBe(2);
    expect(svg).toContain('>First</text>');
    expect(svg).toContain('>Second</text>');
  });

  it('draws an empty chart without dividing by zero', () => {
    const svg = barChartSvg({ title: 'Nothing', series, panels: [{ orientation: 'vertical', axis: 'n', groups: [] }] });
    expectWellFormed(svg);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});

describe('line chart', () => {
  const memory: LineChart = {
    title: 'Peak memory',
    points: ['1,000 nodes', '5,000 nodes', '10,000 <nodes>'],
    xAxis: 'cluster size',
    yAxis: 'peak RSS (MiB)',
    series: [
      { name: 'custom-scheduler', colour: '#0072B2', values: [240, 870, 990] },
      { name: 'kube-scheduler', colour: '#E69F00', values: [260, undefined, 1900] },
    ],
    reference: { value: 1024, label: '1 GiB target' },
  };

  it('marks every point, breaks the line where a value is missing', () => {
    const svg = lineChartSvg(memory);
    expectWellFormed(svg);
    expect(countOf(svg, 'class="point"')).toBe(5);
    expect(countOf(svg, 'stroke="#0072B2" stroke-width="2.5"')).toBe(2);
    expect(countOf(svg, 'stroke="#E69F00" stroke-width="2.5"')).toBe(0);
    expect(countOf(svg, 'class="swatch"')).toBe(2);
    expect(svg).toContain('>10,000 &lt;nodes&gt;</text>');
    expect(svg).toContain('<title>kube-scheduler: 1,900</title>');
  });

  it('draws the reference line inside the axis', () => {
    const svg = lineChartSvg({ ...memory, series: [{ name: 'custom-scheduler', colour: '#0072B2', values: [100] }] });
    expect(countOf(svg, 'class="reference"')).toBe(1);
    expect(svg).toContain('>1 GiB target</text>');
    // The axis reaches past the reference even when every value is far below it.
    expect(svg).toContain('>1,500</text>');
  });

  it('gives the same bytes for the same chart', () => {
    expect(lineChartSvg(memory)).toBe(lineChartSvg(memory));
  });
});

describe('numbers', () => {
  it('picks round steps of about five ticks', () => {
    expect(axisScale(64)).toEqual({ step: 20, count: 4 });
    expect(axisScale(100)).toEqual({ step: 20, count: 5 });
    expect(axisScale(1)).toEqual({ step: 0.2, count: 5 });
    expect(axisScale(0.03)).toEqual({ step: 0.01, count: 3 });
    expect(axisScale(1290)).toEqual({ step: 500, count: 3 });
    expect(axisScale(0)).toEqual({ step: 1, count: 1 });
    expect(axisScale(Number.NaN)).toEqual({ step: 1, count: 1 });
  });

  it('groups thousands the same on every machine', () => {
    expect(formatNumber(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatNumber(-1234, 0)).toBe('-1,234');
    expect(formatNumber(999, 1)).toBe('999.0');
    expect(formatNumber(0.5, 0)).toBe('1');
  });

  it('escapes the five XML characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});
