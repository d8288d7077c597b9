/**
 * A small SVG line chart of stacked panels over one time axis. Hand-written: no plotting library is a dependency
 * here (the node ones pull a headless browser or a canvas build), and the charts need nothing but polylines, axes and
 * a legend.
 */
export type Series = { name: string; points: Array<[number, number]>; dashed?: boolean };
export type Panel = { title: string; unit: string; series: Series[]; log?: false };

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const W = 960;
const PANEL_H = 220;
const M = { left: 70, right: 170, top: 40, bottom: 40 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function svgChart(title: string, subtitle: string, panels: Panel[], xLabel: string): string {
  const xs = panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x)));
  const xMax = niceMax(Math.max(1, ...xs));
  const plotW = W - M.left - M.right;
  const height = M.top + panels.length * (PANEL_H + M.bottom) + 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${M.left}" y="18" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="${M.left}" y="33" fill="#555">${esc(subtitle)}</text>`,
  ];
  panels.forEach((panel, k) => {
    const top = M.top + k * (PANEL_H + M.bottom) + 10;
    const ys = panel.series.flatMap((s) => s.points.map(([, y]) => y));
    const yMax = niceMax(Math.max(1, ...ys));
    const X = (x: number) => M.left + (x / xMax) * plotW;
    const Y = (y: number) => top + PANEL_H - (y / yMax) * PANEL_H;
    out.push(`<rect x="${M.left}" y="${top}" width="${plotW}" height="${PANEL_H}" fill="none" stroke="#999"/>`);
    out.push(`<text x="${M.left + 4}" y="${top - 4}" font-weight="bold">${esc(panel.title)}</text>`);
    for (let i = 0; i <= 4; i++) {
      const y = (yMax * i) / 4;
      out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${Y(y)}" y2="${Y(y)}" stroke="#eee"/>`);
      out.push(`<text x="${M.left - 6}" y="${Y(y) + 4}" text-anchor="end">${Number(y.toPrecision(3))}</text>`);
    }
    for (let i = 0; i <= 10; i++) {
      const x = (xMax * i) / 10;
      out.push(`<text x="${X(x)}" y="${top + PANEL_H + 14}" text-anchor="middle">${Math.round(x)}</text>`);
    }
    out.push(
      `<text x="16" y="${top + PANEL_H / 2}" transform="rotate(-90 16 ${top + PANEL_H / 2})" text-anchor="middle">${esc(panel.unit)}</text>`,
    );
    panel.series.forEach((s, j) => {
      const color = COLORS[j % COLORS.length]!;
      if (s.points.length > 0) {
        const pts = s.points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ');
        out.push(
          `<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`,
        );
      }
      const ly = top + 14 + j * 16;
      out.push(`<line x1="${W - M.right + 10}" x2="${W - M.right + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}"
        stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
      out.push(`<text x="${W - M.right + 35}" y="${ly}">${esc(s.name)}</text>`);
    });
  });
  out.push(`<text x="${M.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${esc(xLabel)}</text>`, '</svg>');
  return `${out.join('\n')}\n`;
}
