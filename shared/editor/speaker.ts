import { mergeAttributes, Node } from "@tiptap/core";

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    speaker: {
      /** Marks the speech point at the cursor with its speaker (from the attendance list). */
      insertSpeaker: (who: { userId: string; name: string }) => ReturnType;
    };
  }
}

/**
 * 发言人: an inline chip naming who made a speech point. It keeps the person's id, so exports
 * and searches know the speaker even if two members share a name.
 */
export const Speaker = Node.create({
  name: "speaker",
  group: "inline",
  inline: true,
  atom: true,
  selectable: true,
  addAttributes() {
    return {
      userId: {
        default: null,
        parseHTML: (el) => el.getAttribute("data-speaker"),
        renderHTML: (a) => ({ "data-speaker": a.userId }),
      },
      name: {
        default: "",
        parseHTML: (el) => el.textContent ?? "",
        renderHTML: () => ({}),
      },
    };
  },
  parseHTML() {
    return [{ tag: "span[data-speaker]" }];
  },
  renderHTML({ node, HTMLAttributes }) {
    return ["span", mergeAttributes(HTMLAttributes, { class: "speaker" }), String(node.attrs.name)];
  },
  renderText({ node }) {
    return String(node.attrs.name);
  },
  addCommands() {
    return {
      insertSpeaker:
        (who) =>
        ({ chain }) =>
          chain()
            .insertContent([
              { type: this.name, attrs: { userId: who.userId, name: who.name } },
              { type: "text", text: "：" },
            ])
            .run(),
    };
  },
});
