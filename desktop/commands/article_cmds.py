"""article add | list | show | confirm | reject | reset, and match: thin calls into archive.desk."""

from __future__ import annotations

from desktop.commands import cancel_flag, open_desk
from desktop.commands.output import err, print_json, warn_unwritten


def register(sub, archive_option) -> None:
    p = sub.add_parser("article", help="add, list and show articles (their captions and pairs)")
    archive_option(p)
    articles = p.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
    articles.required = True

    q = articles.add_parser("add", help="add an article (.txt, .md or .html); prints the captions found")
    archive_option(q)
    q.add_argument("file", metavar="FILE")
    q.add_argument("--title", metavar="T", help="the article's title (default: from the file)")
    q.add_argument("--date", metavar="D", help="its publication date, YYYY-MM-DD (default: from the file)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_add)

    q = articles.add_parser("list", help="list the articles in the archive")
    archive_option(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_list)

    q = articles.add_parser("show", help="show an article's captions and their photos")
    archive_option(q)
    q.add_argument("article", metavar="ID")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_show)

    for name, text in (("confirm", "settle a caption's pair (its proposed photo, or PHOTO)"),
                       ("reject", "say a caption's proposed photo is wrong"),
                       ("reset", "forget the decision on a caption's pair")):
        q = articles.add_parser(name, help=text)
        archive_option(q)
        q.add_argument("article", metavar="ID")
        q.add_argument("caption", metavar="CAPTION", type=int, help="caption index (0 is the first)")
        if name == "confirm":
            q.add_argument("photo", metavar="PHOTO", nargs="?", help="photo id or path (a re-pair)")
        q.add_argument("--json", action="store_true")
        q.set_defaults(handler=cmd_decide, decision=name)

    p = sub.add_parser("match", help="pair an article's captions with photos")
    archive_option(p)
    p.add_argument("article", metavar="ARTICLE", help="article id (or the path it was added from)")
    p.add_argument("--accept", action="store_true",
                   help="settle the automatic pairs: the caption and credit line become the photo's")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_match)


def cmd_add(args) -> int:
    from archive.licence_model import parse_date

    parse_date(args.date, "--date")
    with open_desk(args, create=True) as desk:
        added = desk.add_article(args.file, title=args.title, date=args.date)
    if args.json:
        print_json({"id": added["id"], "title": added["title"], "captions": [
            {"index": c["index"], "text": c["text"], "credit_line": c["credit_line"],
             "credit": c["credit"]}
            for c in added["captions"]]})
        return 0
    print(f"article {added['id']}: {added['title'] or '(no title)'}"
          + (f", {added['date']}" if added["date"] else ", no date (give one with --date)"))
    for c in added["captions"]:
        print(f"  [{c['index']}] {c['text']}")
        print(f"      {c['credit_line']}")
    err(f"{len(added['captions'])} captions; pair them with: picturedesk match {added['id']}")
    return 0


def cmd_list(args) -> int:
    with open_desk(args) as desk:
        rows = desk.articles()
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(f"#{r['id']:<5} {r['date'] or '':<10}  {r['captions']:>2} captions, {r['paired']:>2} paired, "
              f"{r['settled']:>2} settled  {(r['title'] or r['source_path'] or '')[:60]}")
    if not rows:
        err("no articles yet: add one with 'picturedesk article add FILE'")
    return 0


def cmd_show(args) -> int:
    with open_desk(args) as desk:
        detail = desk.article(args.article)
    if args.json:
        print_json(detail)
        return 0
    print(f"article {detail['id']}: {detail['title'] or '(no title)'}  {detail['date'] or 'no date'}")
    print(f"  from {detail['source_path']}")
    for c in detail["captions"]:
        print(f"  [{c['index']}] {c['text']}")
        print(f"      {c['credit_line']}")
        pair = c["pair"]
        if pair is None:
            print("      not matched yet")
        elif pair["decision"] == "rejected":
            print(f"      photo #{pair['photo_id']} rejected")
        elif pair["photo_id"] is None:
            print("      no photo")
        else:
            state = pair["decision"] or pair["status"]
            print(f"      -> #{pair['photo_id']} {pair['path']}  {pair['score']:.2f}  {state}")
    return 0


def cmd_match(args) -> int:
    cancel = cancel_flag()     # before opening: a Ctrl-C during a migration cancels too
    with open_desk(args) as desk:
        article_id = desk.resolve_article(args.article)
        result = desk.match(article_id, cancel=cancel)
        accepted, entry = desk.accept(article_id) if args.accept else ([], None)
        settled = {p["caption_index"] for p in accepted}
        for pair in result.pairs:
            if pair.caption_index in settled:
                pair.decision = "accepted"
        captions = {c["index"]: c for c in desk.article(article_id)["captions"]}
    if args.json:
        print_json(result.to_dict())
    else:
        _print_match(result, captions)
    if args.accept:
        err(f"accepted {len(accepted)} pair(s): " +
            (", ".join(f"caption {p['caption_index']} -> photo #{p['photo_id']}" for p in accepted)
             or "none was automatic"))
        if warn_unwritten(entry.unwritten):
            return 1
    return 0


def _print_match(result, captions: dict) -> None:
    print(f"article {result.article_id}")
    for pair in result.pairs:
        caption = captions.get(pair.caption_index, {})
        print(f"[{pair.caption_index}] {caption.get('text', '')}")
        print(f"    {caption.get('credit_line') or ''}")
        state = pair.status + (f", {pair.decision}" if pair.decision else "")
        if pair.photo_id is None:
            print(f"    -> no photo ({state})")
        else:
            print(f"    -> #{pair.photo_id} {pair.path}  {pair.score:.2f}  {state}")
        for reason in pair.reasons:
            print(f"       {reason}")
        others = [c for c in pair.candidates if c["photo_id"] != pair.photo_id]
        if others:
            print("       runners-up: " + ", ".join(f"#{c['photo_id']} {c['score']:.2f}" for c in others))


def cmd_decide(args) -> int:
    with open_desk(args) as desk:
        article_id = desk.resolve_article(args.article)
        if args.decision == "confirm":
            photo_id = desk.resolve(args.photo) if args.photo else None
            pair, entry = desk.confirm(article_id, args.caption, photo_id)
        elif args.decision == "reject":
            pair, entry = desk.reject(article_id, args.caption)
        else:
            pair, entry = desk.reset(article_id, args.caption)
    if args.json:
        print_json(pair)
    else:
        target = f"photo #{pair['photo_id']}" if pair["photo_id"] else "no photo"
        print(f"caption {pair['caption_index']} of article {article_id}: {target}, "
              f"{pair['decision'] or 'undecided'}")
    return 1 if warn_unwritten(entry.unwritten) else 0
