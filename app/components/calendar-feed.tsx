import { Form } from "@remix-run/react";
import { useRef, useState } from "react";
import { formatDate } from "../lib/format";
import { CopyIcon } from "./icons";
import { FormAlert } from "./people";

export interface FeedResult {
  intent?: string;
  ok?: string;
  formError?: string;
  /** The subscription URL, present only in the reply that generated it. */
  feedUrl?: string;
}

/**
 * 「日历订阅」 on /me: make, replace or stop the personal iCalendar feed. Only the token's hash is
 * stored, so the URL is shown once, in the reply to 生成; afterwards it can only be replaced.
 */
export function CalendarFeedSection({
  createdAt,
  result,
  busy,
}: {
  /** When the current feed was made; null when there is none. */
  createdAt: string | Date | null;
  result?: FeedResult;
  busy: boolean;
}) {
  const mine = result?.intent === "feed-create" || result?.intent === "feed-revoke" ? result : undefined;
  const fresh = mine?.intent === "feed-create" && createdAt ? mine.feedUrl : undefined;
  return (
    <section className="card section" aria-labelledby="feed-heading">
      <h2 className="h3" id="feed-heading">
        日历订阅
      </h2>
      <p className="muted">
        在手机日历里订阅你能看到的组织生活安排（近 90 天及以后），会前 1
        小时提醒；时间、地点有变动或会议取消，日历会自动更新。
      </p>
      {mine ? <FormAlert error={mine.formError} ok={mine.ok} /> : null}
      {fresh ? <FeedLink url={fresh} /> : null}
      {createdAt ? (
        <>
          {fresh ? null : (
            <p className="small muted" data-testid="feed-active">
              {`订阅链接已于 ${formatDate(createdAt)} 生成。为了安全，系统只保存链接的摘要，链接只在生成时显示一次；` +
                "找不到链接或要换手机时，请重新生成。"}
            </p>
          )}
          <p className="small muted">订阅链接相当于一把钥匙，拿到它的人能看到你的会议安排，请不要转发。</p>
          <div className="actions">
            <Form method="post">
              <input type="hidden" name="intent" value="feed-create" />
              <button className="btn btn--ghost" type="submit" disabled={busy}>
                重新生成（旧链接失效）
              </button>
            </Form>
            <Form method="post">
              <input type="hidden" name="intent" value="feed-revoke" />
              <button className="btn btn--ghost" type="submit" disabled={busy}>
                停止订阅
              </button>
            </Form>
          </div>
        </>
      ) : (
        <Form method="post">
          <input type="hidden" name="intent" value="feed-create" />
          <button className="btn btn--primary" type="submit" disabled={busy}>
            生成订阅链接
          </button>
        </Form>
      )}
    </section>
  );
}

function FeedLink({ url }: { url: string }) {
  const box = useRef<HTMLSpanElement>(null);
  const [copied, setCopied] = useState(false);
  const webcal = url.replace(/^https?:/, "webcal:");
  const copy = () => {
    const fallback = () => {
      // Without the Clipboard API (plain http on a phone): select the text and copy that.
      if (box.current) window.getSelection()?.selectAllChildren(box.current);
      setCopied(document.execCommand?.("copy") ?? false);
    };
    if (navigator.clipboard) navigator.clipboard.writeText(url).then(() => setCopied(true), fallback);
    else fallback();
  };
  return (
    <div className="code-box" data-testid="feed-link">
      <span className="small muted">你的订阅链接（仅显示这一次）</span>
      <span ref={box} className="code-box__link" data-testid="feed-url">
        {url}
      </span>
      <div className="actions">
        <button type="button" className="btn btn--small" onClick={copy}>
          <CopyIcon size={16} /> {copied ? "已复制" : "复制链接"}
        </button>
        <a className="btn btn--small btn--primary" href={webcal}>
          在 iPhone 日历中订阅
        </a>
      </div>
      <span className="small muted">
        {"iPhone：点上面的按钮，或在“设置 → 日历 → 账户 → 添加账户 → 其他 → 添加已订阅的日历”中粘贴链接。" +
          "安卓手机或电脑：在日历应用（如 Google 日历、Outlook）中选择“通过网址添加日历”，粘贴链接。"}
      </span>
    </div>
  );
}
