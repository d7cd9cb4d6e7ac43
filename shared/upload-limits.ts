import { MAX_FILE_BYTES } from "./schemas/meetings";
import { MAX_UPDATE_BYTES } from "./schemas/reflections";

// The request bodies larger than an ordinary form (FORM_MAX_BYTES) that some pages post: the server
// refuses a body past its limit before reading it (server/body-limit.ts), and the upload forms check
// the chosen files against the same numbers before sending them.

const KiB = 1024;
const MiB = 1024 * KiB;
/** Room for the other fields and the multipart framing around the files. */
const FRAMING = 64 * KiB;

/** Study materials: up to three files of MAX_FILE_BYTES in one upload. */
export const MATERIALS_UPLOAD_MAX_BYTES = 3 * MAX_FILE_BYTES + 1 * MiB;
export const MATERIALS_UPLOAD_TOO_LARGE = "文件太大：单个资料不能超过 20 MB，一次上传合计不超过 60 MB。";

/** A roster file (.xlsx or .csv), or the same pasted as text. */
export const MAX_ROSTER_BYTES = 2 * MiB;
export const ROSTER_UPLOAD_MAX_BYTES = MAX_ROSTER_BYTES + FRAMING;
export const ROSTER_TOO_LARGE = "文件太大：名册文件不能超过 2 MB。";

/** A 心得体会 submission carries the document's state as base64 (4 bytes for every 3). */
export const REFLECTION_SUBMIT_MAX_BYTES = Math.ceil(MAX_UPDATE_BYTES / 3) * 4 + FRAMING;
export const REFLECTION_TOO_LARGE = "心得体会内容过长，请精简后再提交。";
