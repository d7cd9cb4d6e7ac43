// Apache ECharts, only what the trend charts use: bars and lines, a grid, tooltips, a legend,
// drawn as SVG. Imported dynamically from trend-chart.tsx after the page has mounted, so the
// server render never loads it and it arrives as its own chunk (the ".client" suffix also keeps
// it out of the server bundle).
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";

// ECharts' registration (echarts.use), not a React hook.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export const init = echarts.init;
