import { ensureBuild } from "../../server/build";

// Integration tests run the production build, as `npm start` does; build it once if stale.
export default function setup() {
  ensureBuild(process.cwd(), (m) => console.log(m));
}
