import { useEffect, useState } from "react";
import type { Editor } from "@tiptap/react";
import { BoldIcon, BulletListIcon, ItalicIcon, OrderedListIcon, QuoteIcon } from "./icons";

// The formatting toolbar both live editors show (minutes and 心得体会); the minutes add 发言人.

export function Toolbar({ editor, children }: { editor: Editor | null; children?: React.ReactNode }) {
  const [, force] = useState(0);
  useEffect(() => {
    if (!editor) return;
    const update = () => force((n) => n + 1);
    editor.on("transaction", update);
    return () => {
      editor.off("transaction", update);
    };
  }, [editor]);
  if (!editor) return <div className="toolbar" />;
  const chain = () => editor.chain().focus();
  const groups: { title: string; icon: React.ReactNode; text?: boolean; active: boolean; run: () => void }[][] = [
    [
      {
        title: "小标题",
        icon: "标题",
        text: true,
        active: editor.isActive("heading", { level: 2 }),
        run: () => chain().toggleHeading({ level: 2 }).run(),
      },
      {
        title: "加粗",
        icon: <BoldIcon size={18} />,
        active: editor.isActive("bold"),
        run: () => chain().toggleBold().run(),
      },
      {
        title: "斜体",
        icon: <ItalicIcon size={18} />,
        active: editor.isActive("italic"),
        run: () => chain().toggleItalic().run(),
      },
    ],
    [
      {
        title: "项目列表",
        icon: <BulletListIcon size={20} />,
        active: editor.isActive("bulletList"),
        run: () => chain().toggleBulletList().run(),
      },
      {
        title: "编号列表",
        icon: <OrderedListIcon size={20} />,
        active: editor.isActive("orderedList"),
        run: () => chain().toggleOrderedList().run(),
      },
      {
        title: "引用",
        icon: <QuoteIcon size={20} />,
        active: editor.isActive("blockquote"),
        run: () => chain().toggleBlockquote().run(),
      },
    ],
  ];
  return (
    <div className="toolbar" role="toolbar" aria-label="格式">
      {groups.map((group, i) => (
        <div className="toolbar__group" key={i}>
          {group.map((b) => (
            <button
              key={b.title}
              type="button"
              className={b.text ? "toolbar__btn toolbar__btn--text" : "toolbar__btn"}
              title={b.title}
              aria-label={b.title}
              aria-pressed={b.active}
              onMouseDown={(e) => e.preventDefault()}
              onClick={b.run}
            >
              {b.icon}
            </button>
          ))}
        </div>
      ))}
      {children}
    </div>
  );
}
