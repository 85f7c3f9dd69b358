// The chart every builder returns when it has nothing to draw: a frame saying so, so a page
// never shows an empty box or a broken axis.
import * as Plot from '@observablehq/plot';

export function noDataChart(
  text: string,
  size: { width: number; height: number; ariaLabel: string },
): Plot.PlotOptions {
  const small = size.height < 60;
  return {
    width: size.width,
    height: size.height,
    margin: 0,
    axis: null,
    ariaLabel: size.ariaLabel,
    ariaDescription: text,
    x: { domain: [0, 1] },
    y: { domain: [0, 1] },
    marks: [
      ...(small ? [] : [Plot.frame({ stroke: '#BBBBBB', strokeDasharray: '4,3' })]),
      Plot.text([text], {
        frameAnchor: 'middle',
        fontSize: small ? 9 : 14,
        fill: '#595959',
        className: 'mark-no-data',
      }),
    ],
  };
}
