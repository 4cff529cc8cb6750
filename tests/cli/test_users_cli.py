from models import Role
from portal.services.platform.accounts import authenticate, find_account


def test_create_user_generates_and_prints_a_password(runner):
    result = runner.invoke(args=["create-user", "Ann@Example.test", "--role", "admin", "--generate-password"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Password: ")[1].strip()
    assert authenticate("ann@example.test", password).role == Role.ADMIN


def test_create_user_asks_for_the_password(runner):
    result = runner.invoke(
        args=["create-user", "bo@example.test", "--role", "cio", "--name", "Bo"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password:" not in result.output.split("Created")[1]
    assert authenticate("bo@example.test", "a long enough password").name == "Bo"


def test_create_department_head_needs_a_known_unit(runner, make_unit):
    unit = make_unit(key="ops")
    missing = runner.invoke(args=["create-user", "h@example.test", "--role", "dept_head", "--generate-password"])
    assert missing.exit_code != 0
    assert "needs at least one unit" in missing.output
    unknown = runner.invoke(
        args=["create-user", "h@example.test", "--role", "dept_head", "--unit", "nope", "--generate-password"]
    )
    assert "Unknown unit key(s): nope" in unknown.output
    ok = runner.invoke(
        args=["create-user", "h@example.test", "--role", "dept_head", "--unit", "ops", "--generate-password"]
    )
    assert ok.exit_code == 0, ok.output
    assert find_account("h@example.test").units == [unit]


def test_duplicate_email_and_weak_password_are_refused(runner, make_account):
    make_account(email="taken@example.test")
    result = runner.invoke(args=["create-user", "taken@example.test", "--role", "cio", "--generate-password"])
    assert result.exit_code != 0
    assert "already exists" in result.output
    weak = runner.invoke(args=["create-user", "new@example.test", "--role", "cio"], input="short\nshort\n")
    assert weak.exit_code != 0
    assert "at least 12" in weak.output
    assert find_account("new@example.test") is None


def test_set_password(runner, make_account):
    make_account(email="c@example.test")
    result = runner.invoke(args=["set-password", "c@example.test"], input="another good password\n" * 2)
    assert result.exit_code == 0, result.output
    assert authenticate("c@example.test", "another good password") is not None
    unknown = runner.invoke(args=["set-password", "nobody@example.test", "--generate-password"])
    assert unknown.exit_code != 0
    assert "No account" in unknown.output


def test_every_command_has_help(app, runner):
    result = runner.invoke(args=["--help"])
    for name, command in app.cli.commands.items():
        assert command.help or command.short_help, f"flask {name} has no help"
        assert name in result.output
