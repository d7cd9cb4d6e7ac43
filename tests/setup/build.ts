import { ensureBuild } from "../../server/build";
import { warmTemplate } from "./database";

// Integration tests run the production build, as `npm start` does; build it once if stale. The
// test database template is made here too, once, before the workers start copying it.
export default async function setup() {
  ensureBuild(process.cwd(), (m) => console.log(m));
  await warmTemplate();
}
