import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import type { CreatedMember } from "../../server/services/people/members";
import { orgTree } from "../../server/services/people/orgs";
import {
  importRoster,
  parsePastedRoster,
  previewRoster,
  readRosterFile,
  type RosterProblem,
} from "../../server/services/people/roster-import";
import { CATEGORY_LABEL, ROLE_LABEL } from "../../shared/domain/labels";
import { MAX_ROSTER_BYTES, ROSTER_TOO_LARGE } from "../../shared/upload-limits";
import { AppShell } from "../components/app-shell";
import { UploadIcon } from "../components/icons";
import { InvitationList } from "../components/invitation-list";
import { Crumbs, FormAlert } from "../components/people";
import { managedOrg } from "../lib/org-access.server";
import { refused, type FormErrors } from "../lib/form-errors.server";

export const meta: MetaFunction = () => [{ title: "批量导入成员 · 同心" }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, org } = await managedOrg(context, request, params.orgId, "导入成员");
  const groups = (await orgTree(context.services.sql, org.id)).slice(1).map((n) => n.name);
  return { userName: user.displayName, org: { id: org.id, name: org.name }, groups };
}

type PreviewRow = {
  line: number;
  displayName: string;
  username: string;
  category: string;
  place: string;
  role: string;
};
type Result = FormErrors & {
  step?: "preview" | "done";
  table?: string;
  good?: PreviewRow[];
  bad?: RosterProblem[];
  created?: CreatedMember[];
  skipped?: number;
};

const ImportSchema = z.object({
  intent: z.literal("import"),
  choice: z.enum(["good", "all"], { error: "请选择导入方式" }),
  table: z.string().transform((s, ctx) => {
    try {
      const t = JSON.parse(s) as unknown;
      if (Array.isArray(t) && t.every((r) => Array.isArray(r) && r.every((c) => typeof c === "string")))
        return t as string[][];
    } catch {
      /* fall through */
    }
    ctx.addIssue({ code: "custom", message: "导入数据已损坏，请重新上传文件。" });
    return z.NEVER;
  }),
});

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { actor, org } = await managedOrg(context, request, params.orgId, "导入成员");
  const { sql } = context.services;
  // A body past ROSTER_UPLOAD_MAX_BYTES never gets here (server/body-limit.ts).
  const form = await request.formData();
  try {
    if (form.get("intent") === "import") {
      const parsed = ImportSchema.safeParse(Object.fromEntries(form));
      if (!parsed.success) return data<Result>({ formError: parsed.error.issues[0].message }, { status: 400 });
      const { created, skipped } = await importRoster(sql, actor, org.id, parsed.data.table, parsed.data.choice);
      return { step: "done", created, skipped: skipped.length } satisfies Result;
    }
    const file = form.get("file");
    const text = String(form.get("text") ?? "");
    let table: string[][];
    if (file instanceof File && file.size > 0) {
      table = await readRosterFile(file.name, new Uint8Array(await file.arrayBuffer()), {
        inflateMaxBytes: context.services.limits.rosterInflateMaxBytes,
      });
    } else if (text.trim()) {
      table = parsePastedRoster(text);
    } else {
      return data<Result>({ formError: "请选择名册文件，或粘贴名册内容。" }, { status: 400 });
    }
    const preview = await previewRoster(sql, org, table);
    return {
      step: "preview",
      table: JSON.stringify(table),
      good: preview.good.map((g) => ({
        line: g.line,
        displayName: g.person.displayName,
        username: g.username,
        category: CATEGORY_LABEL[g.person.category],
        place: g.orgName,
        role: ROLE_LABEL[g.role] + (g.mobile ? "（流动）" : ""),
      })),
      bad: preview.bad,
    } satisfies Result;
  } catch (e) {
    return refused(e);
  }
}

export default function ImportMembers() {
  const { userName, org, groups } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state === "submitting";
  const [tooLarge, setTooLarge] = useState(false);
  const back = `/orgs/${org.id}/members`;

  if (result?.step === "done" && result.created) {
    return (
      <AppShell userName={userName}>
        <Crumbs back={{ to: back, label: "成员名册" }} trail={[org.name]} />
        <section className="page-head">
          <h1 className="h1">已导入 {result.created.length} 人</h1>
          {result.skipped ? (
            <p className="page-head__sub muted">按你的选择，跳过了 {result.skipped} 行有问题的数据。</p>
          ) : null}
        </section>
        <InvitationList members={result.created} />
        <Link to={back} className="btn">
          返回成员名册
        </Link>
      </AppShell>
    );
  }

  if (result?.step === "preview" && result.good && result.bad) {
    const { good, bad } = result;
    return (
      <AppShell userName={userName}>
        <Crumbs back={{ to: back, label: "成员名册" }} trail={[org.name]} />
        <section className="page-head">
          <h1 className="h1">核对导入内容</h1>
          <p className="page-head__sub" data-testid="import-summary">
            共 {good.length + bad.length} 行：<strong>{good.length}</strong> 行无误，
            <strong className={bad.length ? "text-danger" : undefined}>{bad.length}</strong> 行有问题
          </p>
        </section>
        {bad.length > 0 ? (
          <section className="section" aria-labelledby="bad-heading">
            <h2 className="h3 text-danger" id="bad-heading">
              有问题的行（不会导入）
            </h2>
            <div className="table-wrap table-wrap--danger">
              <table className="table" data-testid="bad-rows">
                <thead>
                  <tr>
                    <th>行号</th>
                    <th>姓名</th>
                    <th>问题</th>
                  </tr>
                </thead>
                <tbody>
                  {bad.map((b) => (
                    <tr key={b.line}>
                      <td className="num">第 {b.line} 行</td>
                      <td>{Object.values(b.cells)[0] || "（空）"}</td>
                      <td className="wrap text-danger">{b.errors.join("；")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ) : null}
        {good.length > 0 ? (
          <section className="section" aria-labelledby="good-heading">
            <h2 className="h3" id="good-heading">
              将导入的人员
            </h2>
            <div className="table-wrap">
              <table className="table" data-testid="good-rows">
                <thead>
                  <tr>
                    <th>行号</th>
                    <th>姓名</th>
                    <th>登录名</th>
                    <th>类别</th>
                    <th>所在组织</th>
                    <th>职务</th>
                  </tr>
                </thead>
                <tbody>
                  {good.map((g) => (
                    <tr key={g.line}>
                      <td className="num">第 {g.line} 行</td>
                      <td>{g.displayName}</td>
                      <td>{g.username}</td>
                      <td>{g.category}</td>
                      <td>{g.place}</td>
                      <td>{g.role}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ) : null}
        <Form method="post" className="actions actions--stack" replace>
          <input type="hidden" name="intent" value="import" />
          <input type="hidden" name="table" value={result.table} />
          {good.length > 0 ? (
            <button className="btn btn--primary" name="choice" value={bad.length ? "good" : "all"} disabled={busy}>
              {bad.length ? `只导入无误的 ${good.length} 行，跳过 ${bad.length} 行` : `导入全部 ${good.length} 人`}
            </button>
          ) : null}
          <Link to="." className="btn">
            {bad.length ? "都不导入，修改文件后重新上传" : "取消"}
          </Link>
        </Form>
      </AppShell>
    );
  }

  return (
    <AppShell userName={userName}>
      <Crumbs back={{ to: back, label: "成员名册" }} trail={[org.name]} />
      <section className="page-head">
        <h1 className="h1">批量导入成员</h1>
        <p className="page-head__sub muted">
          上传 Excel（.xlsx）或 CSV 名册，或直接从 Excel 复制粘贴。导入前会逐行核对，有问题的行会标出原因。
        </p>
      </section>
      <FormAlert error={tooLarge ? ROSTER_TOO_LARGE : result?.formError} />
      <Form
        method="post"
        encType="multipart/form-data"
        className="card form"
        onSubmit={(e) => {
          // The server refuses a file this large before reading it (a bare 413 page); say it here.
          const input = e.currentTarget.elements.namedItem("file") as HTMLInputElement | null;
          const over = (input?.files?.[0]?.size ?? 0) > MAX_ROSTER_BYTES;
          if (over) e.preventDefault();
          setTooLarge(over);
        }}
      >
        <input type="hidden" name="intent" value="preview" />
        <label className="field">
          <span className="field__label">名册文件</span>
          <input className="input" type="file" name="file" accept=".xlsx,.csv" onChange={() => setTooLarge(false)} />
          <span className="field__hint">
            不超过 2 MB。
            <a href={`/orgs/${org.id}/roster-template`} download>
              下载名册模板
            </a>
          </span>
        </label>
        <label className="field">
          <span className="field__label">或粘贴名册内容</span>
          <textarea
            className="input"
            name="text"
            rows={6}
            placeholder={"姓名\t手机号\t人员类别\t党小组\n张三\t13900000001\t正式党员\t" + (groups[0] ?? "")}
          />
        </label>
        <details className="panel">
          <summary>名册需要哪些列？</summary>
          <div className="panel__body small">
            <p>
              必填：<strong>姓名</strong>、<strong>登录名</strong>（手机号或工号）。选填：人员类别（正式党员、预备党员、
              发展对象、入党积极分子，不填为正式党员）、党小组（
              {groups.length ? groups.join("、") : "本组织下的小组名称"}
              ，不填则直接加入{org.name}
              ）、职务（不填为党员）、预备期开始、预备期结束（预备党员须填开始日期）、流动党员（是/否）。
            </p>
          </div>
        </details>
        <button className="btn btn--primary" type="submit" disabled={busy}>
          <UploadIcon size={18} /> {busy ? "正在核对…" : "核对名册"}
        </button>
      </Form>
    </AppShell>
  );
}
