import { Link } from "@remix-run/react";
import {
  CATEGORY_LABEL,
  ORG_KIND_LABEL,
  ROLE_LABEL,
  type Category,
  type OrgKind,
  type Role,
} from "../../shared/domain/labels";
import { ChevronLeftIcon } from "./icons";

const CATEGORY_TONE: Record<Category, string> = {
  full: "tag",
  probationary: "tag tag--gold",
  candidate: "tag tag--blue",
  activist: "tag tag--muted",
};

export const CategoryTag = ({ category }: { category: Category }) => (
  <span className={CATEGORY_TONE[category]}>{CATEGORY_LABEL[category]}</span>
);

export const RoleText = ({ role, mobile }: { role: Role; mobile?: boolean }) => (
  <>
    {ROLE_LABEL[role]}
    {mobile ? "（流动党员）" : ""}
  </>
);

export const orgKindLabel = (k: OrgKind) => ORG_KIND_LABEL[k];

/** "‹ 上一级" plus the trail of names above the page's record. */
export function Crumbs({ back, trail }: { back: { to: string; label: string }; trail?: string[] }) {
  return (
    <nav className="crumbs" aria-label="位置">
      <Link to={back.to} className="crumbs__back">
        <ChevronLeftIcon size={16} />
        {back.label}
      </Link>
      {trail?.map((t, i) => (
        <span key={i} className="nowrap">
          <span aria-hidden="true">/ </span>
          {t}
        </span>
      ))}
    </nav>
  );
}

/** Form-level message from an action, if any. */
export function FormAlert({ error, ok }: { error?: string; ok?: string }) {
  if (error)
    return (
      <p className="alert alert--error" role="alert">
        {error}
      </p>
    );
  if (ok)
    return (
      <p className="alert alert--ok" role="status">
        {ok}
      </p>
    );
  return null;
}

export function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <span className="field__error" id={id}>
      {message}
    </span>
  ) : null;
}

/** Organisations as <option>s, indented by depth so the tree shows in a plain select. */
export function OrgOptions({
  orgs,
  indentFrom = 0,
}: {
  orgs: { id: string; name: string; depth: number }[];
  indentFrom?: number;
}) {
  return (
    <>
      {orgs.map((o) => (
        <option key={o.id} value={o.id}>
          {"　".repeat(Math.max(0, o.depth - indentFrom))}
          {o.name}
        </option>
      ))}
    </>
  );
}
