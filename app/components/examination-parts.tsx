import { formatDate, formatTime } from "../lib/format";

// Pieces the 对照检查材料 pages share: the reviewer's return, its comment and its notes on passages
// (each quoting the paragraph it is about), as the author and the reviewers see it.

export interface ReturnedReview {
  comment: string | null;
  passages: { paragraph: number; n: number; quote: string; comment: string }[];
  at: Date | string;
  byName: string | null;
}

export function ReturnedNotes({ review, waiting = false }: { review: ReturnedReview; waiting?: boolean }) {
  return (
    <div className="alert refl-returned exam-returned" role="status" data-testid="return-comment">
      <div>
        <p className="refl-returned__title">
          已退回修改（{review.byName ? `${review.byName}，` : ""}
          {formatDate(review.at)} {formatTime(review.at)}）{waiting ? "，等待本人重新提交" : ""}
        </p>
        {review.comment ? <p className="refl-returned__comment">{review.comment}</p> : null}
        {review.passages.length > 0 ? (
          <ol className="exam-notes" aria-label="对段落的意见">
            {review.passages.map((p) => (
              <li key={p.paragraph} className="exam-note">
                <blockquote className="exam-note__quote">{`第 ${p.n} 段：${p.quote}`}</blockquote>
                <p className="exam-note__comment">{p.comment}</p>
              </li>
            ))}
          </ol>
        ) : null}
      </div>
    </div>
  );
}
