#!/usr/bin/env python3
"""Checks that the repository explains itself (docs/compatibility.md says why).

Three checks, each a ctest case of its own (label unit):

  refs     no reference to a document outside the tree: the original service's weakness
           numbers (W followed by digits), section signs (only "RFC <n> §<m>" may use one),
           paths into a sibling "shared" folder, or a Markdown file name (<name>.md) that no
           file of the tree has.
  anchors  every link to a document of the tree resolves: "docs/<file>.md#<anchor>" written in
           code or documentation (from the repository root), and Markdown links between
           documents (relative to the linking file). An anchor is an explicit <a id="..."> or
           the GitHub slug of a heading.
  tests    every test a Markdown document names exists: a test reference is a file of the tree
           in backticks, the sign U+203A, and the test's name in double quotes or backticks,
           e.g. `tests/unit/jwt_test.cpp` › "alg none and unknown algorithms are refused". The
           file must exist and define the name: a Catch2 TEST_CASE, SECTION or a macro around
           them (C++), a pytest function (def test_...), a C test function that is also called
           (tests/capi), or a ctest name (add_test(NAME ...) in a CMakeLists.txt, directly or
           through a function of that file that passes its first argument on). A U+203A sign
           outside a well-formed reference is reported too, so a misspelt one cannot slip by.

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


# Test references in Markdown: `<file>` › "<name>" or `<file>` › `<name>`.
REF_SIGN = "\u203a"
TEST_REF = re.compile(r"`([\w./-]+)`\s*" + REF_SIGN +
                      r"\s*(?:\"((?:[^\"\\]|\\.)+)\"|`([^`]+)`)")
# Catch2 test cases and sections, and the macros a suite wraps them in (STORE_TEST, CORE_TEST):
# an upper-case name holding TEST, or SECTION, whose first string argument is the name; a
# fixture class (capitalised) may come first (TEST_CASE_METHOD).
CATCH_NAME = re.compile(r"\b(?:[A-Z0-9_]*TEST[A-Z0-9_]*|SECTION)\s*\(\s*"
                        r"(?:[A-Z][\w:<>]*\s*,\s*)?\"((?:[^\"\\]|\\.)*)\"")
C_TEST_FUNCTION = re.compile(r"^\s*(?:static\s+)?void\s+(test_\w+)\s*\(", re.M)
PYTEST_FUNCTION = re.compile(r"^\s*(?:async\s+)?def\s+(test_\w+)\s*\(", re.M)
CMAKE_ARG = r"(?:\"([^\"$]*)\"|([^\s()\"$]+))"
CMAKE_ADD_TEST = re.compile(r"\badd_test\s*\(\s*NAME\s+" + CMAKE_ARG)
CMAKE_FUNCTION = re.compile(r"\bfunction\s*\(\s*(\w+)\s+(\w+)(.*?)\bendfunction\b", re.S)


def unescape(name):
    return re.sub(r"\\(.)", r"\1", name)


def test_names(path):
    """The test names a file defines, or None when its kind of file defines none we can read."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    base = os.path.basename(path)
    # A test that is commented out proves nothing: drop whole-line comments.
    text = re.sub(r"(?m)^\s*(?://|#).*$", "", text)
    if base.endswith((".cpp", ".hpp", ".cc", ".h", ".c")):
        names = {unescape(m.group(1)) for m in CATCH_NAME.finditer(text)}
        if base.endswith(".c"):
            # A C test function proves nothing unless main (or a runner) calls it.
            names |= {n for n in C_TEST_FUNCTION.findall(text)
                      if len(re.findall(r"\b" + n + r"\s*\(", text)) >= 2}
        return names
    if base.endswith(".py"):
        return set(PYTEST_FUNCTION.findall(text))
    if base == "CMakeLists.txt" or base.endswith(".cmake"):
        names = {a or b for a, b in CMAKE_ADD_TEST.findall(text)}
        # add_test(NAME ${first}) inside function(f first ...): every f(<literal> ...) is a test.
        for function, first, body in CMAKE_FUNCTION.findall(text):
            if re.search(r"\badd_test\s*\(\s*NAME\s+\$\{" + first + r"\}", body):
                call = re.compile(r"(?<!function\()\b" + function + r"\s*\(\s*" + CMAKE_ARG)
                names |= {a or b for a, b in call.findall(text)}
        return names
    return None


def check_tests(root):
    findings = []
    cache = {}
    for rel, text in text_files(root):
        if not rel.endswith(".md"):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for match in TEST_REF.finditer(line):
                file, name = match.group(1), match.group(2) or match.group(3)
                if match.group(2) is not None:
                    name = unescape(name)
                path = os.path.normpath(os.path.join(root, file))
                if not os.path.isfile(path):
                    findings.append(f"{rel}:{number}: no such test file: {file}")
                    continue
                if path not in cache:
                    cache[path] = test_names(path)
                if cache[path] is None:
                    findings.append(f"{rel}:{number}: {file} is not a kind of file that defines "
                                    "tests (C/C++, Python, CMake)")
                elif name not in cache[path]:
                    findings.append(f"{rel}:{number}: no test {name!r} in {file}")
            if line.count(REF_SIGN) != len(TEST_REF.findall(line)):
                findings.append(f"{rel}:{number}: a {REF_SIGN} that is not part of a test "
                                f"reference (`<file>` {REF_SIGN} \"<name>\")")
    return findings


def self_test():
    """Plants each kind of bad reference in a scratch tree; each check must catch all of its own."""
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
        "tests": [
            ("docs/k.md", "By `tests/a_test.cpp` " + REF_SIGN + " \"a test nobody wrote\".\n"),
            ("docs/l.md", "`tests/missing_test.cpp` " + REF_SIGN + " \"rotation\"\n"),
            ("docs/m.md", "`tests/a_test.cpp` " + REF_SIGN + " `test_replay`\n"),
            ("docs/n.md", "`tests/test_e2e.py` " + REF_SIGN + " `test_nobody_wrote_this`\n"),
            ("docs/o.md", "`tests/capi_test.c` " + REF_SIGN + " `test_never_called`\n"),
            ("docs/p.md", "`tests/CMakeLists.txt` " + REF_SIGN + " \"no such ctest\"\n"),
            ("docs/q.md", "`tests/a_test.cpp` " + REF_SIGN + " rotation, unquoted\n"),
            ("docs/r.md", "`docs/doc.md` " + REF_SIGN + " \"Doc\"\n"),
            ("docs/s.md", "`tests/a_test.cpp` " + REF_SIGN + " \"commented out\"\n"),
        ],
    }
    test_files = {
        "tests/a_test.cpp": ('TEST_CASE("rotation", "[x]") {\n'
                             '  SECTION("a \\"quoted\\" part") {}\n}\n'
                             "TEST_CASE(\n    \"a name on its own line\",\n    \"[x]\") {}\n"
                             'TEST_CASE_METHOD(Fixture, "with a fixture", "[x]") {}\n'
                             'STORE_TEST("store: through a macro") {}\n'
                             '// TEST_CASE("commented out", "[x]") {}\n'),
        "tests/test_e2e.py": "def helper():\n    pass\n\n\ndef test_replay(server):\n    pass\n",
        "tests/capi_test.c": ("static void test_lifecycle(void) {}\n"
                              "static void test_never_called(void) {}\n"
                              "int main(void) {\n  test_lifecycle();\n  return 0;\n}\n"),
        "tests/CMakeLists.txt": ("add_test(NAME capi_symbols COMMAND x)\n"
                                 "add_test(NAME \"docs: anchors exist\" COMMAND x)\n"
                                 "function(wrapped name)\n  add_test(NAME ${name} COMMAND x)\n"
                                 "endfunction()\nwrapped(packaging_debs)\n"),
    }
    good_refs = "".join(f"`{file}` {REF_SIGN} {name}\n" for file, name in [
        ("tests/a_test.cpp", '"rotation"'), ("tests/a_test.cpp", '"a \\"quoted\\" part"'),
        ("tests/a_test.cpp", '"a name on its own line"'), ("tests/a_test.cpp", '"with a fixture"'),
        ("tests/a_test.cpp", '"store: through a macro"'), ("tests/test_e2e.py", "`test_replay`"),
        ("tests/capi_test.c", "`test_lifecycle`"), ("tests/CMakeLists.txt", '"capi_symbols"'),
        ("tests/CMakeLists.txt", '"docs: anchors exist"'),
        ("tests/CMakeLists.txt", "`packaging_debs`")])
    failures = []
    with tempfile.TemporaryDirectory() as root:
        def write(rel, text):
            os.makedirs(os.path.dirname(os.path.join(root, rel)) or root, exist_ok=True)
            with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
                f.write(text)

        write("docs/doc.md", good_doc)
        for rel, text in test_files.items():
            write(rel, text)
        write("docs/tested.md", "| Threat | Test |\n|---|---|\n" + good_refs)
        write("docs/other.md", "# Other heading\n")
        write("src/ok.cpp", "// docs/doc.md#row-one, docs/doc.md#a-code-heading-with-punctuation,"
                            " RFC 9112 " + SECTION + "6.3, ETag W/\"x\"\n")
        for check, fn in CHECKS.items():
            if fn(root):
                failures.append(f"{check}: the clean tree is not clean: {fn(root)}")
        for check, planted in cases.items():
            fn = CHECKS[check]
            for rel, text in planted:
                write(rel, text)
                if not any(f.startswith(rel + ":") for f in fn(root)):
                    failures.append(f"{check}: missed {rel}: {text.strip()!r}")
                os.remove(os.path.join(root, rel))
    for failure in failures:
        print(failure)
    return 1 if failures else 0


CHECKS = {"refs": check_refs, "anchors": check_anchors, "tests": check_tests}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check", choices=[*CHECKS, "self-test"])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    args = parser.parse_args()
    if args.check == "self-test":
        return self_test()
    root = os.path.abspath(args.root)
    findings = CHECKS[args.check](root)
    for finding in findings:
        print(finding)
    if findings and args.check == "tests":
        print(f"{len(findings)} finding(s); name tests as `<file>` {REF_SIGN} \"<name>\" with "
              "the exact name the file defines", file=sys.stderr)
    elif findings:
        print(f"{len(findings)} finding(s); cite docs/*.md anchors (docs/compatibility.md, "
              "docs/api.md) instead", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
