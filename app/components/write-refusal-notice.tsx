import { writeRefusalText, type WriteRefusal } from "../../shared/write-limits";

/**
 * Why the server did not store the latest edits, that they are kept here, what to do about it, and
 * a way to try again now. `advice` is per editor: where its copy is kept decides what is safe.
 */
export function RefusalNotice({
  refusal,
  onRetry,
  advice,
}: {
  refusal: WriteRefusal;
  onRetry: () => void;
  advice: Record<WriteRefusal["kind"], string>;
}) {
  return (
    <div className="alert alert--error write-refusal" role="alert" data-testid="write-refusal">
      <span>
        {writeRefusalText(refusal)}
        {advice[refusal.kind]}
      </span>
      <button type="button" className="btn btn--small" onClick={onRetry}>
        立即重试
      </button>
    </div>
  );
}
