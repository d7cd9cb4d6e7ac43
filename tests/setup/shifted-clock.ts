// Preloaded into a server process that should live at another time (a faketime of our own):
//   node --import tsx --import ./tests/setup/shifted-clock.ts server/main.ts
// with TONGXIN_TEST_CLOCK_SHIFT_MS set. Date.now() and new Date() run that far ahead; a date made
// from a value keeps its value. The embedded PGlite reads its clock through Date.now() too, so its
// now() moves with it; a PostgreSQL server's does not. Test-only: the app knows nothing of it.

const shift = Number(process.env.TONGXIN_TEST_CLOCK_SHIFT_MS ?? 0);
if (!Number.isFinite(shift)) throw new Error("TONGXIN_TEST_CLOCK_SHIFT_MS is not a number");

if (shift !== 0) {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + shift);
      else super(...(args as [string | number | Date]));
    }
    static now() {
      return RealDate.now() + shift;
    }
    // Dates made inside Node itself (file times) are still dates.
    static [Symbol.hasInstance](x: unknown) {
      return x instanceof RealDate;
    }
  }
  globalThis.Date = ShiftedDate as unknown as DateConstructor;
}
