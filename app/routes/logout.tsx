import { redirect, type ActionFunctionArgs } from "@remix-run/node";

export async function action({ context }: ActionFunctionArgs) {
  const { auth } = context.services;
  if (context.session) await auth.invalidateSession(context.session.id);
  throw redirect("/login", { headers: { "Set-Cookie": auth.createBlankSessionCookie().serialize() } });
}

export async function loader() {
  throw redirect("/");
}
