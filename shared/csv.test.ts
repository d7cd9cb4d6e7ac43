import { describe, expect, it } from "vitest";
import { csvCell, toCsv, unprotectCell } from "./csv";

describe("csv", () => {
  it("writes a cell that a spreadsheet would run as a formula as text", () => {
    for (const v of ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("http://x","点我")'])
      expect(csvCell(v).replace(/^"/, "").startsWith("'")).toBe(true);
    expect(csvCell("第一党小组")).toBe("第一党小组");
    expect(csvCell("13900000001")).toBe("13900000001");
  });
  it("quotes separators and round-trips through the importer's unprotect", () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(unprotectCell(csvCell("=组长"))).toBe("=组长");
    expect(unprotectCell("'普通文字")).toBe("'普通文字");
    expect(toCsv([["=a", "b"]])).toBe("\uFEFF'=a,b\r\n");
  });
});
