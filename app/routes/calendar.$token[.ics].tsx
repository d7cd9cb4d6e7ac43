import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendarForToken } from "../../server/services/calendar/calendar-feed";

// A resource route: the personal iCalendar feed at /calendar/<token>.ics ("[.ics]" escapes the
// dot in Remix's flat routes). Phone calendars do not sign in, so the secret token in the URL is
// the credential; no cookie is read. The token is never logged.
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const body = await calendarForToken(context.services.sql, params.token ?? "", {
    baseUrl: new URL(request.url).origin,
  });
  if (body === null)
    return new Response("订阅链接无效或已停用。请在“我的”页面重新生成日历订阅链接。", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Cache-Control": "private, max-age=300",
      "Content-Disposition": 'inline; filename="tongxin.ics"',
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "X-Robots-Tag": "noindex",
    },
  });
}
