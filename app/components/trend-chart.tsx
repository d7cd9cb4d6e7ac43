import { useEffect, useMemo, useRef, useState } from "react";
import type { EChartsCoreOption, EChartsType } from "echarts/core";
import { COLOR, withAlpha } from "../lib/tokens";
import { MEETING_KINDS, MEETING_KIND_LABEL, type MeetingKind } from "../../shared/domain/labels";

// Month-by-month charts for the 党委 overview, drawn with Apache ECharts (SVG). The server renders
// the frame and a table of the same figures for screen readers; ECharts is imported only in the
// browser, after mount, and redraws when its box changes size.

export interface TrendMonth {
  /** "2026-03" */
  key: string;
  held: Record<MeetingKind, number>;
  total: number;
  expected: number;
  came: number;
  rate: number | null;
}

/**
 * The calendar's colour for each kind (app.css, .kind--*), so a kind looks the same everywhere.
 * ECharts needs values, not var(--…): they come from app/lib/tokens.ts, which mirrors the tokens.
 */
const KIND_COLOR: Record<MeetingKind, string> = {
  general_assembly: COLOR.primary,
  committee_meeting: COLOR.gold,
  group_meeting: COLOR.info,
  party_lecture: COLOR.success,
  theme_day: COLOR.violet,
  life_meeting: COLOR.teal,
  member_review: COLOR.pink,
  party_committee: COLOR.goldDeep,
  general_committee: COLOR.goldDeep,
  central_study: COLOR.sky,
  party_congress: COLOR.primaryDeep,
  leadership_life_meeting: COLOR.teal,
};

const FONT =
  '-apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';
const INK = COLOR.ink2;
const MUTED = COLOR.muted;
const LINE = COLOR.line;

/** "2026-03" → "2026年3月" */
export function monthLabel(key: string): string {
  const [y, m] = key.split("-");
  return `${y}年${Number(m)}月`;
}

/** On the axis: the first month of each quarter, with the year at January ("2026年\n1月"). */
const quarterStart = (_index: number, value: string) => /年(1|4|7|10)月$/.test(value);
const axisLabel = (value: string) =>
  value.endsWith("年1月") ? value.replace("年", "年\n") : value.slice(value.indexOf("年") + 1);

export const percent = (rate: number | null, digits = 1) => (rate === null ? "—" : `${(rate * 100).toFixed(digits)}%`);

function reducedMotion(): boolean {
  return typeof window !== "undefined" && window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
}

/** Below this many months with figures, the charts point at those months (see baseOption). */
const FEW_MONTHS = 3;

/**
 * `marked`: the months with figures, when there are only a few. The axis then names those months
 * (with their year) and the first one, instead of every quarter's first month: a lone bar or point
 * between two quarter labels would otherwise not say which month it is.
 */
function baseOption(months: TrendMonth[], marked?: boolean[]) {
  const named = (i: number) => i === 0 || Boolean(marked?.[i]);
  return {
    animation: !reducedMotion(),
    textStyle: { fontFamily: FONT, color: INK },
    grid: { left: 4, right: 12, top: 16, bottom: 8, containLabel: true },
    xAxis: {
      type: "category",
      data: months.map((m) => monthLabel(m.key)),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: LINE } },
      axisLabel: {
        color: MUTED,
        fontSize: 11,
        lineHeight: 14,
        interval: marked ? named : quarterStart,
        formatter: marked ? (value: string) => value.replace("年", "年\n") : axisLabel,
      },
    },
    tooltip: {
      trigger: "axis",
      confine: true,
      backgroundColor: COLOR.surface,
      borderColor: LINE,
      textStyle: { fontFamily: FONT, color: INK, fontSize: 13 },
    },
  };
}

function meetingsOption(months: TrendMonth[]): EChartsCoreOption {
  // Only kinds that occur, in the usual order, so the legend stays short.
  const kinds = MEETING_KINDS.filter((k) => months.some((m) => m.held[k] > 0));
  const held = months.map((m) => m.total > 0);
  const base = baseOption(months, held.filter(Boolean).length < FEW_MONTHS ? held : undefined);
  return {
    ...base,
    grid: { ...base.grid, bottom: 44 },
    tooltip: { ...base.tooltip, axisPointer: { type: "shadow" }, valueFormatter: (v: unknown) => `${v} 次` },
    legend: {
      type: "scroll",
      bottom: 0,
      icon: "roundRect",
      itemWidth: 10,
      itemHeight: 10,
      textStyle: { color: INK, fontSize: 12 },
    },
    yAxis: {
      type: "value",
      minInterval: 1,
      axisLabel: { color: MUTED, fontSize: 11 },
      splitLine: { lineStyle: { color: LINE } },
    },
    series: kinds.map((k) => ({
      type: "bar",
      name: MEETING_KIND_LABEL[k],
      stack: "held",
      barMaxWidth: 28,
      itemStyle: { color: KIND_COLOR[k] },
      emphasis: { focus: "series" },
      data: months.map((m) => m.held[k]),
    })),
  };
}

function attendanceOption(months: TrendMonth[]): EChartsCoreOption {
  const data = months.map((m) => (m.rate === null ? null : Math.round(m.rate * 1000) / 10));
  // A line needs a few months to be a line: with fewer, each month is a bar with its figure.
  const few = data.filter((v) => v !== null).length < FEW_MONTHS;
  const base = baseOption(months, few ? data.map((v) => v !== null) : undefined);
  return {
    ...base,
    tooltip: {
      ...base.tooltip,
      valueFormatter: (v: unknown) => (typeof v === "number" ? `${v}%` : "无已结束的会议"),
    },
    yAxis: {
      type: "value",
      min: 0,
      max: 100,
      interval: 25,
      axisLabel: { color: MUTED, fontSize: 11, formatter: "{value}%" },
      splitLine: { lineStyle: { color: LINE } },
    },
    series: [
      few
        ? {
            type: "bar",
            name: "出席率",
            barMaxWidth: 28,
            itemStyle: { color: COLOR.primary, borderRadius: [3, 3, 0, 0] },
            // The figure over the bar: one or two bars on a wide axis say little without it.
            label: { show: true, position: "top", color: INK, fontSize: 12, formatter: "{c}%" },
            data,
          }
        : {
            type: "line",
            name: "出席率",
            smooth: false,
            symbol: "circle",
            symbolSize: 7,
            // Every month's point, always: ECharts otherwise hides points between the quarter
            // labels, and a month between gaps (no figures either side) would show nothing at all.
            showAllSymbol: true,
            connectNulls: false,
            lineStyle: { color: COLOR.primary, width: 2 },
            itemStyle: { color: COLOR.primary },
            areaStyle: { color: withAlpha(COLOR.primary, 0.08) },
            data,
          },
    ],
  };
}

/** An ECharts instance in a box: loaded after mount, resized with the box, disposed on unmount. */
function EChart({ option, testId }: { option: EChartsCoreOption; testId: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const latest = useRef(option);
  latest.current = option;
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let gone = false;
    let observer: ResizeObserver | null = null;
    import("./trend-chart.client")
      .then(({ init }) => {
        if (gone) return;
        const c = init(el, null, { renderer: "svg", locale: "ZH" });
        c.setOption(latest.current);
        chart.current = c;
        observer = new ResizeObserver(() => c.resize({ animation: { duration: 0 } }));
        observer.observe(el);
        setState("ready");
      })
      .catch(() => {
        if (!gone) setState("failed");
      });
    return () => {
      gone = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  // New figures (another filter, a revalidation): redraw in place.
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return (
    <div className="trend__canvas" aria-hidden="true">
      <div ref={ref} className="trend__chart" data-testid={testId} data-state={state} />
      {state === "ready" ? null : (
        <p className="trend__placeholder">{state === "failed" ? "图表未能加载，请参看下方数字。" : "图表加载中…"}</p>
      )}
    </div>
  );
}

/** Meetings held per month, stacked by kind, with the same figures as a table for screen readers. */
export function MeetingsTrend({ months }: { months: TrendMonth[] }) {
  const option = useMemo(() => meetingsOption(months), [months]);
  const kinds = MEETING_KINDS.filter((k) => months.some((m) => m.held[k] > 0));
  return (
    <>
      <EChart option={option} testId="chart-meetings" />
      <div className="sr-only">
        <table>
          <caption>每月召开的会议（次）</caption>
          <thead>
            <tr>
              <th scope="col">月份</th>
              {kinds.map((k) => (
                <th key={k} scope="col">
                  {MEETING_KIND_LABEL[k]}
                </th>
              ))}
              <th scope="col">合计</th>
            </tr>
          </thead>
          <tbody>
            {months.map((m) => (
              <tr key={m.key}>
                <th scope="row">{monthLabel(m.key)}</th>
                {kinds.map((k) => (
                  <td key={k}>{m.held[k]}</td>
                ))}
                <td>{m.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Attendance rate per month (0–100%), with the same figures as a table for screen readers. */
export function AttendanceTrend({ months }: { months: TrendMonth[] }) {
  const option = useMemo(() => attendanceOption(months), [months]);
  return (
    <>
      <EChart option={option} testId="chart-attendance" />
      <div className="sr-only">
        <table>
          <caption>每月出席率（实到 ÷ 应到）</caption>
          <thead>
            <tr>
              <th scope="col">月份</th>
              <th scope="col">应到（人次）</th>
              <th scope="col">实到（人次）</th>
              <th scope="col">出席率</th>
            </tr>
          </thead>
          <tbody>
            {months.map((m) => (
              <tr key={m.key}>
                <th scope="row">{monthLabel(m.key)}</th>
                <td>{m.expected}</td>
                <td>{m.came}</td>
                <td>{percent(m.rate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
