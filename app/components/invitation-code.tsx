import { useEffect, useState } from "react";
import { CopyIcon } from "./icons";

/**
 * A one-time code, shown once: the secretary reads it out, sends it by text, or copies the
 * link. The link is built from the page's own address so it matches how members reach us.
 * A reset code (for an account that has a password) says so, and is good for `validFor`.
 */
export function InvitationCode({
  name,
  code,
  reset = false,
  validFor = "14 天",
}: {
  name: string;
  code: string;
  reset?: boolean;
  validFor?: string;
}) {
  const [origin, setOrigin] = useState("");
  const [copied, setCopied] = useState(false);
  useEffect(() => setOrigin(window.location.origin), []);
  const link = `${origin}/invite/${code}`;
  const message = reset
    ? `${name}同志：请打开 ${link} 重新设置“同心”的登录密码。重置码 ${code}，${validFor}内有效，仅可使用一次。`
    : `${name}同志：请打开 ${link} 设置密码，登录“同心”。邀请码 ${code}，${validFor}内有效，仅可使用一次。`;
  return (
    <div className="code-box" data-testid="invitation">
      <span className="small muted">
        {name} 的{reset ? "重置密码一次性码" : "邀请码"}（仅显示这一次，{validFor}内有效）
      </span>
      <span className="code-box__code" data-testid="invitation-code">
        {code}
      </span>
      <a className="code-box__link" href={`/invite/${code}`} data-testid="invitation-link">
        {link}
      </a>
      <button
        type="button"
        className="btn btn--small"
        onClick={() => {
          void navigator.clipboard?.writeText(message).then(() => setCopied(true));
        }}
      >
        <CopyIcon size={16} /> {copied ? "已复制通知文字" : "复制通知文字"}
      </button>
    </div>
  );
}
