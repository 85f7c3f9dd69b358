// The charts' public surface: pure builders (rows → Plot options) and their shared palette.
// Render with dashboards/render/plot.ts.
export * from './dates.ts';
export * from './format.ts';
export * from './palette.ts';
export * from './ranking.ts';
export * from './reporting.ts';
export * from './scale.ts';
export * from './series.ts';
export * from './sparkline.ts';
export * from './timeline.ts';
export * from './tilemap.ts';
export * from './trend.ts';
