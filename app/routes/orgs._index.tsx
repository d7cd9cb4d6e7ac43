import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { myMemberships } from "../../server/services/people/members";
import { createOrg, managedRoots, moveOrg, orgTree, renameOrg, type OrgNode } from "../../server/services/people/orgs";
import { ORG_KIND_LABEL, ORG_KINDS, ROLE_LABEL } from "../../shared/domain/labels";
import { OrgActionSchema } from "../../shared/schemas/orgs";
import { AppShell } from "../components/app-shell";
import { ChevronRightIcon, TreeIcon } from "../components/icons";
import { FieldError, FormAlert, OrgOptions } from "../components/people";
import { requireActor } from "../lib/actor.server";
import { invalid, refused, type FormErrors } from "../lib/form-errors.server";

export const meta: MetaFunction = () => [{ title: "组织 · 同心" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const { user, actor } = await requireActor(context, request);
  const { sql } = context.services;
  const mine = await myMemberships(sql, user.id);
  // Only managers get the tree: for a 党委 administrator it is every organisation below.
  const trees: OrgNode[][] = [];
  for (const root of managedRoots(actor.subject)) trees.push(await orgTree(sql, root));
  return { userName: user.displayName, mine, trees };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const { actor } = await requireActor(context, request);
  const { sql, live } = context.services;
  const form = Object.fromEntries(await request.formData());
  const parsed = OrgActionSchema.safeParse(form);
  if (!parsed.success) return invalid(parsed.error, String(form.intent ?? ""));
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "create":
        await createOrg(sql, actor, input);
        return { ok: `已新建“${input.name}”。`, intent: input.intent };
      case "rename":
        await renameOrg(sql, actor, input.orgId, input.name);
        return { ok: `已更名为“${input.name}”。`, intent: input.intent };
      case "move": {
        // Readers above the old and the new place gain or lose access too, so re-check everyone.
        if (await moveOrg(sql, actor, input.orgId, input.parentId)) live.treeChanged();
        return { ok: "已调整上级组织。", intent: input.intent };
      }
    }
  } catch (e) {
    return refused(e, input.intent);
  }
}

export default function Orgs() {
  const { userName, mine, trees } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as (FormErrors & { ok?: string }) | undefined;
  return (
    <AppShell userName={userName}>
      <section className="page-head">
        <p className="eyebrow">组织</p>
        <h1 className="h1">我的组织</h1>
      </section>
      {mine.length === 0 ? (
        <div className="card empty">
          <p className="h3">你还没有加入任何组织</p>
          <p className="muted">请联系所在支部的书记或组织委员添加。</p>
        </div>
      ) : (
        <ul className="list">
          {mine.map((m) => (
            <li key={m.orgId}>
              <Link to={`/orgs/${m.orgId}`} className="row">
                <div className="row__main">
                  <span className="row__title">{m.orgName}</span>
                  <span className="row__sub">
                    {ORG_KIND_LABEL[m.kind]} · {ROLE_LABEL[m.role]}
                    {m.mobile ? "（流动党员）" : ""}
                  </span>
                </div>
                <ChevronRightIcon size={18} className="row__end" />
              </Link>
            </li>
          ))}
        </ul>
      )}
      {trees.length > 0 ? (
        <section className="section" aria-labelledby="tree-heading">
          <div className="section__head">
            <h2 className="h2 h-icon" id="tree-heading">
              <TreeIcon size={20} /> 组织架构
            </h2>
          </div>
          <FormAlert error={result?.formError} ok={result?.ok} />
          {trees.map((tree) => (
            <OrgTree
              key={tree[0].id}
              nodes={tree}
              errors={result?.fieldErrors}
              intent={result?.intent}
              done={result?.ok}
            />
          ))}
        </section>
      ) : null}
    </AppShell>
  );
}

function OrgTree({
  nodes,
  errors,
  intent,
  done,
}: {
  nodes: OrgNode[];
  errors?: Record<string, string>;
  intent?: string;
  done?: string;
}) {
  const busy = useNavigation().state === "submitting";
  const parents = nodes.filter((n) => n.kind !== "group");
  return (
    <>
      <ul className="list tree" data-testid="org-tree">
        {nodes.map((n) => (
          <li
            key={n.id}
            className="tree__node"
            data-depth={n.depth}
            style={{ "--depth": n.depth } as React.CSSProperties}
          >
            <Link to={`/orgs/${n.id}`} className="row">
              <div className="row__main">
                <span className="row__title">
                  {n.name} <span className="tag tag--muted">{ORG_KIND_LABEL[n.kind]}</span>
                </span>
                <span className="row__sub">{n.memberCount} 人</span>
              </div>
              <ChevronRightIcon size={18} className="row__end" />
            </Link>
          </li>
        ))}
      </ul>
      <details className="panel">
        <summary>新建下级组织</summary>
        {/* A new key after each success empties the form, so a second click cannot repeat it. */}
        <Form method="post" className="panel__body form" key={done ?? "create"}>
          <input type="hidden" name="intent" value="create" />
          <div className="form-grid">
            <label className="field">
              <span className="field__label">上级组织</span>
              <select className="select" name="parentId" defaultValue={nodes[0].id}>
                <OrgOptions orgs={parents} />
              </select>
              <FieldError id="create-parent-error" message={intent === "create" ? errors?.parentId : undefined} />
            </label>
            <label className="field">
              <span className="field__label">类型</span>
              <select className="select" name="kind" defaultValue={nodes[0].kind === "branch" ? "group" : "branch"}>
                {ORG_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {ORG_KIND_LABEL[k]}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <label className="field">
            <span className="field__label">名称</span>
            <input className="input" name="name" placeholder="如：机关第二党支部" maxLength={60} />
            <FieldError id="create-name-error" message={intent === "create" ? errors?.name : undefined} />
          </label>
          <button className="btn btn--primary" type="submit" disabled={busy}>
            新建
          </button>
        </Form>
      </details>
      <details className="panel">
        <summary>调整上级组织</summary>
        <Form method="post" className="panel__body form">
          <input type="hidden" name="intent" value="move" />
          <div className="form-grid">
            <label className="field">
              <span className="field__label">要调整的组织</span>
              <select className="select" name="orgId">
                <OrgOptions orgs={nodes.slice(1)} />
              </select>
            </label>
            <label className="field">
              <span className="field__label">新的上级组织</span>
              <select className="select" name="parentId">
                <OrgOptions orgs={parents} />
              </select>
            </label>
          </div>
          <FieldError id="move-parent-error" message={intent === "move" ? errors?.parentId : undefined} />
          <button className="btn" type="submit" disabled={busy}>
            调整
          </button>
        </Form>
      </details>
      <details className="panel">
        <summary>组织更名</summary>
        <Form method="post" className="panel__body form" key={done ?? "rename"}>
          <input type="hidden" name="intent" value="rename" />
          <div className="form-grid">
            <label className="field">
              <span className="field__label">组织</span>
              <select className="select" name="orgId">
                <OrgOptions orgs={nodes} />
              </select>
            </label>
            <label className="field">
              <span className="field__label">新名称</span>
              <input className="input" name="name" maxLength={60} />
              <FieldError id="rename-name-error" message={intent === "rename" ? errors?.name : undefined} />
            </label>
          </div>
          <button className="btn" type="submit" disabled={busy}>
            更名
          </button>
        </Form>
      </details>
    </>
  );
}
