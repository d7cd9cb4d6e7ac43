import signinCodeCss from "../styles/signin-code.css?url";
import { useCountdown } from "./use-countdown";

// The host's rotating sign-in code with its time bar and QR (app/lib/signin-board.server.ts):
// on the attendance page as a card ("board") and on the 投屏 ("screen"), each with its own sheet
// (attendance.css, screen.css). One component so the two say and count the same.

/** For the `links` of the routes that show the code (before their own sheet). */
export const signinCodeStyles = [{ rel: "stylesheet", href: signinCodeCss }];

export interface SigninBoardData {
  code: string;
  turnsInMs: number;
  qr: string;
}

const CLASSES = {
  board: {
    root: "card signin-board",
    id: "board-heading",
    main: "signin-board__main",
    label: "signin-board__label",
    code: "signin-board__code",
    codeTestId: "signin-code",
    timer: "signin-code__timer",
    hint: "signin-board__hint",
  },
  screen: {
    root: "screen__signin",
    id: "screen-signin",
    main: "screen__signin-text",
    label: "screen__signin-label",
    code: "screen__code",
    codeTestId: "screen-code",
    timer: "signin-code__timer screen__timer",
    hint: "screen__hint",
  },
} as const;

/** A code turns every 30 seconds: the bar empties over that time. */
const TURN_MS = 30_000;

export function SigninCode({
  board,
  variant,
  hint,
}: {
  board: SigninBoardData;
  variant: keyof typeof CLASSES;
  hint: React.ReactNode;
}) {
  const left = useCountdown(board.turnsInMs, board.code);
  const seconds = Math.ceil(left / 1000);
  const c = CLASSES[variant];
  const onBoard = variant === "board";
  const qr = (
    <div
      className={onBoard ? "signin-board__qr-img" : "screen__qr"}
      data-testid={onBoard ? undefined : "screen-qr"}
      role="img"
      aria-label="签到二维码"
      dangerouslySetInnerHTML={{ __html: board.qr }}
    />
  );
  return (
    <section className={c.root} aria-labelledby={c.id}>
      <div className={c.main}>
        <h2 className={c.label} id={c.id}>
          签到码
        </h2>
        <p className={c.code} data-testid={c.codeTestId} aria-live={onBoard ? "polite" : undefined}>
          {board.code}
        </p>
        <div className={c.timer}>
          <span className="signin-code__bar" aria-hidden="true">
            <span style={{ width: `${Math.min(100, (left / TURN_MS) * 100)}%` }} />
          </span>
          <span className={onBoard ? "nowrap" : undefined}>{seconds > 0 ? `${seconds} 秒后更换` : "正在更换…"}</span>
        </div>
        <p className={c.hint}>{hint}</p>
      </div>
      {onBoard ? (
        <figure className="signin-board__qr">
          {qr}
          <figcaption>扫码签到</figcaption>
        </figure>
      ) : (
        qr
      )}
    </section>
  );
}
