import StarterKit from "@tiptap/starter-kit";
import { Speaker } from "./speaker";

// The document schema both the browser editor and the server (exports, search) use.
// Collaboration replaces the editor's own history, so undo/redo is off here.
export function baseExtensions() {
  return [
    StarterKit.configure({
      undoRedo: false,
      heading: { levels: [2, 3] },
      link: { openOnClick: false, autolink: true },
    }),
    Speaker,
  ];
}

/** The Y.XmlFragment inside a document's Y.Doc that holds the editor content. */
export const EDITOR_FIELD = "default";
