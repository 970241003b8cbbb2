#!/usr/bin/env python3
"""Checks that the repository explains itself (docs/compatibility.md says why).

Two checks, each a ctest case of its own (label unit):

  refs     no reference to a document outside the tree: the original service's weakness
           numbers (W followed by digits), section signs (only "RFC <n> §<m>" may use one),
           paths into a sibling "shared" folder, or a Markdown file name (<name>.md) that no
           file of the tree has.
  anchors  every link to a document of the tree resolves: "docs/<file>.md#<anchor>" written in
           code or documentation (from the repository root), and Markdown links between
           documents (relative to the linking file). An anchor is an explicit <a id="..."> or
           the GitHub slug of a heading.

--self-test plants bad references in a scratch tree and fails unless both checks catch each.
Exit status: 0 clean, 1 findings (one per line, file:line: what), 2 usage.
"""
import argparse
import os
import re
import sys
import tempfile

# What is scanned: the folders and top-level files the code and documents live in.
SCANNED = ["src", "include", "capi", "examples", "bindings", "tests", "docs", "packaging",
           "scripts", "bench", "migrations", "cmake", ".github", "README.md", "CMakeLists.txt",
           "Makefile", "Dockerfile", "docker-compose.yml", "CMakePresets.json"]
SKIPPED_DIRS = {".git", "build", "__pycache__", "node_modules"}
SELF = os.path.normpath("tests/docs/check_references.py")

SECTION = "\u00a7"
# Patterns are spelt so that this file does not match them itself.
OUTSIDE = [
    (re.compile(r"(?<![\w/])W[0-9]+\b"), "a weakness number of the original's contract"),
    (re.compile(r"(?<!RFC [0-9]{4} )(?<!RFC [0-9]{3} )" + SECTION),
     "a section sign that is not an RFC's"),
    (re.compile(r"\.\./shared\b"), "a path outside the tree"),
    (re.compile(r"\b(?:spec|contract) (?:section|part) [0-9]", re.I),
     "a section of a document that is not in the tree"),
]

# A Markdown file named anywhere ("api.md", "docs/api.md"): some file of the tree must have that name.
MD_NAME = re.compile(r"(?<![\w.-])([\w-]+(?:\.[\w-]+)*\.md)\b")

# "docs/x.md" or "docs/x.md#anchor" in any text, from the repository root.
ROOT_LINK = re.compile(r"(?<![\w./-])(docs/[\w./-]*?\.md)(?:#([\w-]+))?")
# Markdown link targets: [text](target).
MD_LINK = re.compile(r"\]\(([^)\s]+)\)")
EXPLICIT_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


def text_files(root):
    """Yields (relative path, text) of every scanned text file."""
    for entry in SCANNED:
        top = os.path.join(root, entry)
        if os.path.isfile(top):
            candidates = [top]
        elif os.path.isdir(top):
            candidates = []
            for folder, dirs, files in os.walk(top):
                dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
                candidates += [os.path.join(folder, f) for f in sorted(files)]
        else:
            continue
        for path in candidates:
            rel = os.path.relpath(path, root)
            if os.path.normpath(rel) == SELF or os.path.getsize(path) > 4 << 20:
                continue
            with open(path, "rb") as f:
                data = f.read()
            if b"\0" in data:
                continue
            yield rel, data.decode("utf-8", errors="replace")


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"<[^>]*>", "", heading)          # inline HTML (e.g. <a id>) is not text
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link counts by its text
    text = text.strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def anchors_of(text):
    """The anchors a Markdown document defines."""
    found = set(EXPLICIT_ANCHOR.findall(text))
    seen = {}
    in_fence = False
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else HEADING.match(line)
        if match:
            base = slug(match.group(2))
            n = seen.get(base, 0)
            found.add(base if n == 0 else f"{base}-{n}")
            seen[base] = n + 1
    return found


def markdown_names(root):
    """The names of the tree's Markdown files, wherever they are."""
    names = set()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        names.update(f for f in files if f.endswith(".md"))
    return names


def check_refs(root):
    findings = []
    in_tree = markdown_names(root)
    for rel, text in text_files(root):
        for number, line in enumerate(text.splitlines(), 1):
            for pattern, what in OUTSIDE:
                for match in pattern.finditer(line):
                    findings.append(f"{rel}:{number}: {what}: {match.group(0)!r}")
            for match in MD_NAME.finditer(line):
                if match.group(1) not in in_tree:
                    findings.append(f"{rel}:{number}: a document that is not in the tree: "
                                    f"{match.group(1)!r}")
    return findings


def check_anchors(root):
    cache = {}

    def anchors(path):
        if path not in cache:
            with open(path, encoding="utf-8", errors="replace") as f:
                cache[path] = anchors_of(f.read())
        return cache[path]

    def resolve(rel, number, target_file, anchor, base, shown, findings):
        path = os.path.normpath(os.path.join(base, target_file))
        if not os.path.isfile(path):
            findings.append(f"{rel}:{number}: no such document: {shown}")
        elif anchor and anchor not in anchors(path):
            findings.append(f"{rel}:{number}: no anchor #{anchor} in {os.path.relpath(path, root)}:"
                            f" {shown}")

    findings = []
    for rel, text in text_files(root):
        here = os.path.dirname(os.path.join(root, rel))
        markdown = rel.endswith(".md")
        for number, line in enumerate(text.splitlines(), 1):
            rest = line
            if markdown:
                for target in MD_LINK.findall(line):
                    if re.match(r"^[a-z]+:", target):
                        continue  # http:, https:, mailto:
                    file_part, _, anchor = target.partition("#")
                    if not file_part:
                        resolve(rel, number, os.path.basename(rel), anchor, here, target, findings)
                    elif file_part.endswith(".md"):
                        resolve(rel, number, file_part, anchor, here, target, findings)
                rest = MD_LINK.sub("]()", line)
            for match in ROOT_LINK.finditer(rest):
                resolve(rel, number, match.group(1), match.group(2), root, match.group(0),
                        findings)
    return findings


def self_test():
    """Plants each kind of bad reference in a scratch tree; both checks must catch them all."""
    good_doc = ('# Doc\n\n<a id="row-one"></a>\n## A `code` heading, with punctuation!\n\n'
                "See [row](#row-one), [heading](#a-code-heading-with-punctuation) and "
                "[other](other.md#other-heading).\n\n```\n# not a heading\n```\n")
    cases = {
        "refs": [
            ("src/a.cpp", "// fixed (W" + "13)\n"),
            ("src/b.cpp", "// see spec " + SECTION + "7.3\n"),
            ("tests/c.py", "# the design notes " + SECTION + "4\n"),
            ("docs/d.md", "From ../" + "shared/notes.md.\n"),
            ("docs/j.md", "As nowhere-in-the-tree.md explains.\n"),
            ("include/e.hpp", "// spec " + "section 11.2\n"),
        ],
        "anchors": [
            ("src/f.cpp", "// docs/doc.md#no-such-anchor\n"),
            ("src/g.cpp", "// docs/missing.md#row-one\n"),
            ("docs/h.md", "[x](doc.md#not-here)\n"),
            ("docs/i.md", "[x](#nowhere)\n"),
            ("README.md", "[x](docs/doc.md#not-a-code-heading)\n"),
        ],
    }
    failures = []
    with tempfile.TemporaryDirectory() as root:
        def write(rel, text):
            os.makedirs(os.path.dirname(os.path.join(root, rel)) or root, exist_ok=True)
            with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
                f.write(text)

        write("docs/doc.md", good_doc)
        write("docs/other.md", "# Other heading\n")
        write("src/ok.cpp", "// docs/doc.md#row-one, docs/doc.md#a-code-heading-with-punctuation,"
                            " RFC 9112 " + SECTION + "6.3, ETag W/\"x\"\n")
        for check, fn in (("refs", check_refs), ("anchors", check_anchors)):
            if fn(root):
                failures.append(f"{check}: the clean tree is not clean: {fn(root)}")
        for check, planted in cases.items():
            fn = check_refs if check == "refs" else check_anchors
            for rel, text in planted:
                write(rel, text)
                if not any(f.startswith(rel + ":") for f in fn(root)):
                    failures.append(f"{check}: missed {rel}: {text.strip()!r}")
                os.remove(os.path.join(root, rel))
    for failure in failures:
        print(failure)
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check", choices=["refs", "anchors", "self-test"])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    args = parser.parse_args()
    if args.check == "self-test":
        return self_test()
    root = os.path.abspath(args.root)
    findings = check_refs(root) if args.check == "refs" else check_anchors(root)
    for finding in findings:
        print(finding)
    if findings:
        print(f"{len(findings)} finding(s); cite docs/*.md anchors (docs/compatibility.md, "
              "docs/api.md) instead", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
