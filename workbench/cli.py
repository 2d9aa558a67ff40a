"""The ``workbench`` command: the basics without a notebook.

    workbench init my-project --codebook codebooks/peer_support_principles.yaml --name "Peer stories"
    workbench import my-project stories/            # .txt .md .docx .csv .pdf .vtt .srt
    workbench import --qdpx from-nvivo.qdpx my-project
    workbench info my-project
    workbench codings my-project --format csv -o codings.csv
    workbench export my-project --qdpx team.qdpx    # or --qdc, --csv, --xlsx
    workbench report my-project -o report.html
    workbench share git@host:team/stories.git my-project   # once: the project goes to a shared repository
    workbench clone git@host:team/stories.git our-stories  # on each other machine
    workbench sync our-stories                             # whenever you like; --status says where you stand
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import WorkbenchError
from .project import create_project, open_project


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench",
                                     description="Collaborative, reflexive coding of peer narratives.")
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="create a new project folder")
    init.add_argument("path")
    init.add_argument("--codebook", help="a codebook YAML file to start from (e.g. codebooks/starter.yaml)")
    init.add_argument("--name", help="the project's name (default: the folder's name)")

    imp = sub.add_parser("import", help="import stories (.txt .md .docx .csv .pdf .vtt .srt) "
                                        "or a REFI-QDA project (--qdpx)")
    imp.add_argument("--qdpx", metavar="FILE", help="import this .qdpx into a new project folder PROJECT")
    imp.add_argument("--offsets", help="with --qdpx: offset policy, e.g. 'codepoints' or 'utf16-crlf2' "
                                       "(default: from the file)")
    imp.add_argument("project")
    imp.add_argument("sources", nargs="*", help="files or folders with stories")
    imp.add_argument("--text-column", default="text", help="the column with the stories in a .csv (default: text)")
    imp.add_argument("--pseudonyms", help="a CSV mapping real names to pseudonyms, kept outside the project")

    info = sub.add_parser("info", help="counts: narratives, codes, codings, coders, memos")
    info.add_argument("project")

    codings = sub.add_parser("codings", help="print or save the current codings")
    codings.add_argument("project")
    codings.add_argument("--format", choices=["csv", "json", "table"], default="table")
    codings.add_argument("--coder")
    codings.add_argument("--code")
    codings.add_argument("-o", "--output", help="write to this file instead of the screen")

    export = sub.add_parser("export", help="export to REFI-QDA (.qdpx, .qdc) or spreadsheets")
    export.add_argument("project")
    group = export.add_mutually_exclusive_group(required=True)
    group.add_argument("--qdpx", metavar="FILE")
    group.add_argument("--qdc", metavar="FILE")
    group.add_argument("--csv", metavar="FILE")
    group.add_argument("--xlsx", metavar="FILE")
    _sharing_options(export)

    report = sub.add_parser("report", help="write a self-contained HTML report")
    report.add_argument("project")
    report.add_argument("-o", "--output", required=True)
    _sharing_options(report)
    _sync_parsers(sub)
    app = sub.add_parser("app", help="open the whole workbench as a page in the browser (no code; needs [app])")
    app.add_argument("project")
    app.add_argument("--coder", required=True, help="whose codings and memos the page writes")
    app.add_argument("--port", type=int, default=8866)
    app.add_argument("--ip", default="127.0.0.1", help="the address to listen on (default: only this computer)")
    return parser


def _sync_parsers(sub: argparse._SubParsersAction) -> None:
    sync = sub.add_parser("sync", help="commit your work, take in the others', send yours (git)")
    sync.add_argument("project", nargs="?", default=".")
    sync.add_argument("--status", action="store_true", help="only say what is ahead, behind or not yet committed")
    sync.add_argument("--coder", help="who signs the commits when git does not know your name")
    sync.add_argument("--no-push", action="store_true", help="take in the others' work, send nothing")

    share = sub.add_parser("share", help="send a project to an empty shared git repository (URL or folder)")
    share.add_argument("url")
    share.add_argument("project", nargs="?", default=".")
    share.add_argument("--coder", help="who signs the commits when git does not know your name")

    clone = sub.add_parser("clone", help="copy a shared project from a git repository")
    clone.add_argument("url")
    clone.add_argument("folder", nargs="?")


def _sharing_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--anonymise-coders", action="store_true", help="replace coder names with neutral labels")
    parser.add_argument("--no-memos", action="store_true", help="leave notes and memos out")


def main(argv: list[str] | None = None) -> int:
    """Run the ``workbench`` command with *argv* (default: the command line); returns the exit status.

    >>> main(["init", "my-project", "--name", "Peer stories"])
    Created .../my-project with 0 codes.
    0
    >>> main(["info", "no-such-project"])
    2
    """
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except WorkbenchError as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return 2


def _init(args: argparse.Namespace) -> int:
    project = create_project(args.path, codebook=args.codebook, name=args.name)
    print(f"Created {project.path} with {len(project.codebook)} codes.")
    return 0


def _import(args: argparse.Namespace) -> int:
    if args.qdpx:
        from .exchange import import_qdpx

        project = import_qdpx(args.qdpx, into=args.project, **({"offsets": args.offsets} if args.offsets else {}))
        print(project.import_report if hasattr(project, "import_report") else project)
        return 0
    if not args.sources:
        raise WorkbenchError("Name the files or folders to import: workbench import PROJECT FILES...")
    project = open_project(args.project)
    options = {"pseudonyms": args.pseudonyms} if args.pseudonyms else {}
    report = project.import_narratives(args.sources, text_column=args.text_column, progress=False, **options)
    print(report.to_string(index=False))
    return 0


def _info(args: argparse.Namespace) -> int:
    info = open_project(args.project).info()
    for key, value in info.items():
        print(f"{key:>11}: {', '.join(value) if isinstance(value, list) else value}")
    return 0


def _codings(args: argparse.Namespace) -> int:
    frame = open_project(args.project).codings(coder=args.coder, code=args.code)
    frame = frame.assign(created_at=frame["created_at"].map(lambda t: t.isoformat()))
    if args.format == "csv":
        text = frame.to_csv(index=False)
    elif args.format == "json":
        text = json.dumps(frame.to_dict("records"), ensure_ascii=False, indent=1) + "\n"
    else:
        text = frame.drop(columns=["text"]).to_string(index=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _export(args: argparse.Namespace) -> int:
    from . import exchange

    project = open_project(args.project)
    sharing = {"anonymise_coders": args.anonymise_coders, "include_memos": not args.no_memos}
    if args.qdpx:
        out = exchange.export_qdpx(project, args.qdpx, **sharing)
    elif args.qdc:
        out = exchange.export_qdc(project, args.qdc)
    elif args.csv:
        out = exchange.export_csv(project, args.csv, **sharing)
    else:
        out = exchange.export_xlsx(project, args.xlsx, **sharing)
    print(f"Wrote {out}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from .exchange import write_report

    out = write_report(open_project(args.project), args.output, anonymise_coders=args.anonymise_coders,
                       include_memos=not args.no_memos)
    print(f"Wrote {out}")
    return 0


def _sync(args: argparse.Namespace) -> int:
    from . import sync

    if args.command == "clone":
        project = sync.clone(args.url, args.folder)
        print(f"Copied {project.name!r} into {project.path}; `workbench sync {project.path}` keeps it in step.")
    elif args.command == "share":
        print(sync.share(args.project, args.url, coder=args.coder))
    elif args.status:
        print(sync.sync_status(args.project))
    else:
        print(sync.sync(args.project, coder=args.coder, push=not args.no_push))
    return 0


def _app(args: argparse.Namespace) -> int:
    from .widgets.app_page import serve_app

    return serve_app(args.project, coder=args.coder, port=args.port, ip=args.ip)


_COMMANDS = {"init": _init, "import": _import, "info": _info, "codings": _codings, "export": _export,
             "report": _report, "sync": _sync, "share": _sync, "clone": _sync, "app": _app}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
