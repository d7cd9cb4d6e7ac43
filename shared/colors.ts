// A member's caret colour, derived from their id so every client and the server agree.
const PALETTE = ["#c2410c", "#0369a1", "#15803d", "#7c3aed", "#b91c1c", "#0f766e", "#a16207", "#be185d"];

export function userColor(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length];
}
