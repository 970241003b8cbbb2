"""The package documents itself: `pydoc authkit` shows a docstring for every public name."""
import inspect

import authkit


def own_public_members(cls):
    """The public methods and properties `cls` defines itself (inherited ones are checked on the
    class that defines them)."""
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if inspect.isfunction(member) or isinstance(member, (property, staticmethod,
                                                             classmethod)):
            yield name, member


def test_every_public_name_has_a_docstring():
    assert (authkit.__doc__ or "").strip()
    missing = []
    for name in authkit.__all__:
        value = getattr(authkit, name)
        if inspect.isclass(value) or inspect.isfunction(value) or inspect.ismodule(value):
            if not (value.__doc__ or "").strip():
                missing.append(name)
        elif name not in authkit.__doc__:
            # Data (__version__, ABI_VERSION) has no docstring of its own: the module's says
            # what it is.
            missing.append(name)
    assert missing == []


def test_every_public_method_and_property_has_a_docstring():
    missing = []
    for name in authkit.__all__:
        cls = getattr(authkit, name)
        if not inspect.isclass(cls):
            continue
        for member_name, member in own_public_members(cls):
            target = member.fget if isinstance(member, property) else member
            if not (getattr(target, "__doc__", None) or "").strip():
                missing.append(f"{name}.{member_name}")
    assert missing == []


def test_the_check_sees_an_undocumented_method():
    class Planted:
        """Documented class."""

        def undocumented(self):
            pass

    assert [n for n, m in own_public_members(Planted) if not m.__doc__] == ["undocumented"]
