import { Link } from "@remix-run/react";
import { LIFE_STAGE_LABEL, type LifeStage, type LifeStageState } from "../../shared/domain/life-stages";

// The stages of a 组织生活会 (学习 → 征求意见 → 谈心谈话 → 对照检查 → 会议 → 整改) as a stepper:
// vertical on a phone, six columns from 1024 px (life-cycle.css). Each stage says its state, what
// is done, what is missing and, for those who may see names, who is missing. No ranking, no
// points: names are in roll order and nothing is scored.

const STATE: Record<LifeStageState, { label: string; tone: string }> = {
  done: { label: "已完成", tone: "tag tag--green" },
  doing: { label: "进行中", tone: "tag tag--gold" },
  todo: { label: "未开始", tone: "tag tag--outline" },
};

// Where each stage's link leads, said as what one does there: the opinions page is where a member
// sends one, not only where the 支委 read them.
const LINK_LABEL: Partial<Record<LifeStage["key"], string>> = {
  opinions: "提意见 / 查看",
  talks: "谈话记录",
  examination: "对照检查材料",
  rectification: "整改清单",
};

export function LifeStages({ stages, detail }: { stages: LifeStage[]; detail: boolean }) {
  return (
    <section className="card life-stages" aria-labelledby="life-stages-heading" data-testid="life-stages">
      <h2 className="h3" id="life-stages-heading">
        组织生活会的各个环节
      </h2>
      <ol className="life-stages__list">
        {stages.map((s, i) => (
          <li
            key={s.key}
            className={`life-stage life-stage--${s.state}`}
            data-testid={`life-stage-${s.key}`}
            data-state={s.state}
          >
            <span className="life-stage__dot" aria-hidden="true">
              {s.state === "done" ? "✓" : i + 1}
            </span>
            <div className="life-stage__body">
              <div className="life-stage__head">
                <h3 className="life-stage__title">{LIFE_STAGE_LABEL[s.key]}</h3>
                <span className={STATE[s.state].tone}>{STATE[s.state].label}</span>
              </div>
              {s.done.length ? (
                <ul className="life-stage__lines life-stage__lines--done" aria-label="已完成">
                  {s.done.map((d) => (
                    <li key={d}>{d}</li>
                  ))}
                </ul>
              ) : null}
              {s.missing.length ? (
                <ul className="life-stage__lines life-stage__lines--missing" aria-label="尚缺">
                  {s.missing.map((d) => (
                    <li key={d}>{d}</li>
                  ))}
                </ul>
              ) : null}
              {detail && s.missingPeople.length ? (
                <p className="life-stage__people">
                  <span className="muted">尚缺：</span>
                  {s.missingPeople.map((p) => p.name).join("、")}
                </p>
              ) : null}
              {s.href ? (
                <Link className="life-stage__link" to={s.href} data-testid={`life-stage-link-${s.key}`}>
                  {LINK_LABEL[s.key] ?? "查看"}
                </Link>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
