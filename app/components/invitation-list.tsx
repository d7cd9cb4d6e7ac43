import { useEffect, useState } from "react";
import { toCsv } from "../../shared/csv";
import { CopyIcon } from "./icons";

interface Invited {
  userId: string;
  displayName: string;
  username: string;
  code: string;
}

/**
 * The one-time codes of everyone just imported, shown once: copy them all as text messages,
 * or download them as a sheet to hand out.
 */
export function InvitationList({ members }: { members: Invited[] }) {
  const [origin, setOrigin] = useState("");
  const [copied, setCopied] = useState(false);
  useEffect(() => setOrigin(window.location.origin), []);
  const lines = members.map(
    (m) =>
      `${m.displayName}同志：请打开 ${origin}/invite/${m.code} 设置密码登录“同心”（邀请码 ${m.code}，14 天内有效）。`,
  );
  const download = () => {
    const csv = toCsv([
      ["姓名", "登录名", "邀请码", "邀请链接"],
      ...members.map((m) => [m.displayName, m.username, m.code, `${origin}/invite/${m.code}`]),
    ]);
    const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
    const a = Object.assign(document.createElement("a"), { href: url, download: "邀请码清单.csv" });
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section className="section">
      <p className="alert">邀请码只显示这一次，请现在发给本人或下载保存。忘记了可在成员页重新生成。</p>
      <div className="actions">
        <button
          type="button"
          className="btn btn--primary btn--small"
          onClick={() => void navigator.clipboard?.writeText(lines.join("\n")).then(() => setCopied(true))}
        >
          <CopyIcon size={16} /> {copied ? "已复制" : "复制全部通知文字"}
        </button>
        <button type="button" className="btn btn--small" onClick={download}>
          下载邀请码清单
        </button>
      </div>
      <div className="table-wrap">
        <table className="table" data-testid="invitations">
          <thead>
            <tr>
              <th>姓名</th>
              <th>登录名</th>
              <th>邀请码</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.userId}>
                <td>{m.displayName}</td>
                <td>{m.username}</td>
                <td className="table__code">{m.code}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
