import type { LoaderFunctionArgs } from "@remix-run/node";
import { orgTree } from "../../server/services/people/orgs";
import { toCsv } from "../../shared/csv";
import { managedOrg } from "../lib/org-access.server";

// A resource route: the roster template as a CSV file, with the organisation's own groups filled in.
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { org } = await managedOrg(context, request, params.orgId, "下载名册模板");
  const groups = (await orgTree(context.services.sql, org.id)).slice(1).map((n) => n.name);
  return template(groups);
}

// Opens in Excel as UTF-8 thanks to the byte-order mark; the rows show every column in use.
function template(groups: string[]) {
  const rows = [
    ["姓名", "登录名（手机号或工号）", "人员类别", "党小组", "职务", "预备期开始", "预备期结束", "流动党员"],
    ["张三", "13900000001", "正式党员", groups[0] ?? "", "党员", "", "", "否"],
    ["李四", "13900000002", "预备党员", groups[1] ?? groups[0] ?? "", "党员", "2026-07-01", "", "否"],
    ["王五", "E10086", "入党积极分子", "", "党员", "", "", "否"],
  ];
  return new Response(toCsv(rows), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent("成员名册模板.csv")}`,
    },
  });
}
