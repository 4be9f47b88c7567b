"""Registration, sign-in, redirects and sign-out, as a person does them."""

from nicegui.testing import User

from tests.ui.helpers import by_testid, open_user_menu, register, services, sign_in, wait_for


async def test_anonymous_visitor_is_sent_to_sign_in_and_back(user: User) -> None:
    await register(user, 'anna')
    open_user_menu(user)
    by_testid(user, 'sign-out').click()
    await wait_for(user, 'submit')
    await user.open('/panel')
    await user.should_see('Sign in')
    by_testid(user, 'username').type('anna')
    by_testid(user, 'password').type('correct-horse')
    by_testid(user, 'submit').click()
    await wait_for(user, 'profile-display-name')


async def test_registration_rules_are_shown(user: User) -> None:
    await user.open('/register')
    by_testid(user, 'username').type('ab')
    by_testid(user, 'password').type('correct-horse')
    by_testid(user, 'submit').click()
    await user.should_see('A username has 3–32 characters')
    by_testid(user, 'username').clear().type('anna')
    by_testid(user, 'password').clear().type('short')
    by_testid(user, 'submit').click()
    await user.should_see('at least 8 characters')


async def test_duplicate_username_regardless_of_case(user: User, create_user) -> None:
    await register(user, 'Anna')
    other = create_user()
    await other.open('/register')
    by_testid(other, 'username').type('aNNA')
    by_testid(other, 'password').type('correct-horse')
    by_testid(other, 'submit').click()
    await other.should_see('This username is taken.', retries=50)


async def test_wrong_password_and_unknown_user_read_the_same(user: User, create_user) -> None:
    await register(user, 'anna')
    other = create_user()
    await sign_in(other, 'anna', 'wrong-password')
    await other.should_see('Wrong username or password.', retries=50)
    await sign_in(other, 'nobody', 'wrong-password')
    await other.should_see('Wrong username or password.', retries=50)


async def test_sign_in_rejects_foreign_redirect_target(user: User) -> None:
    await register(user, 'anna')
    open_user_menu(user)
    by_testid(user, 'sign-out').click()
    await wait_for(user, 'submit')
    await user.open('/login?next=//evil.example/')
    by_testid(user, 'username').type('anna')
    by_testid(user, 'password').type('correct-horse')
    by_testid(user, 'submit').click()
    await wait_for(user, 'room-list')


async def test_sign_out_ends_the_session(user: User) -> None:
    await register(user, 'anna')
    open_user_menu(user)
    by_testid(user, 'sign-out').click()
    await wait_for(user, 'submit')
    await user.open('/')
    await user.should_see('Sign in')


async def test_repeated_failed_sign_ins_have_to_wait(user: User) -> None:
    await register(user, 'anna')
    open_user_menu(user)
    by_testid(user, 'sign-out').click()
    await wait_for(user, 'submit')
    for _ in range(5):
        await sign_in(user, 'anna', 'wrong-password')
        await user.should_see('Wrong username or password.', retries=50)
    await sign_in(user, 'anna', 'correct-horse')  # even the right password waits now
    await user.should_see('Too many failed attempts. Try again in', retries=50)


def _props(user: User, testid: str) -> dict:
    (element,) = by_testid(user, testid).elements
    return element.props


async def test_sign_in_and_registration_are_forms_password_managers_know(user: User) -> None:
    await user.open('/login')
    (form,) = by_testid(user, 'login-form').elements
    assert form.tag == 'form'
    assert {'username', 'password', 'submit'} <= {child.props.get('data-testid') for child in form.descendants()}
    assert (_props(user, 'username')['name'], _props(user, 'username')['autocomplete']) == ('username', 'username')
    assert (_props(user, 'password')['name'], _props(user, 'password')['autocomplete']) == (
        'password',
        'current-password',
    )
    assert _props(user, 'submit')['type'] == 'submit'
    await user.open('/register')
    (form,) = by_testid(user, 'register-form').elements
    assert form.tag == 'form'
    assert _props(user, 'username')['autocomplete'] == 'username'
    assert _props(user, 'display-name')['autocomplete'] == 'nickname'
    assert (_props(user, 'password')['name'], _props(user, 'password')['autocomplete']) == ('password', 'new-password')
    assert _props(user, 'submit')['type'] == 'submit'


async def test_a_double_submit_signs_in_once_and_shows_no_error(user: User, monkeypatch) -> None:
    await register(user, 'anna')
    open_user_menu(user)
    by_testid(user, 'sign-out').click()
    await wait_for(user, 'submit')
    accounts = services().accounts
    started: list[str] = []
    original = accounts.start_session

    async def start_session(person):
        started.append(person.username)
        return await original(person)

    monkeypatch.setattr(accounts, 'start_session', start_session)
    await user.open('/login')
    by_testid(user, 'username').type('anna')
    by_testid(user, 'password').type('correct-horse')
    (error,) = by_testid(user, 'error').elements
    by_testid(user, 'submit').click()
    by_testid(user, 'submit').click()  # a double click, or Enter and then the button
    await wait_for(user, 'room-list')
    assert started == ['anna']
    assert error.text == ''  # type: ignore[attr-defined]


async def test_a_double_submit_registers_once(user: User) -> None:
    await user.open('/register')
    by_testid(user, 'username').type('anna')
    by_testid(user, 'password').type('correct-horse')
    (error,) = by_testid(user, 'error').elements
    by_testid(user, 'submit').click()
    by_testid(user, 'submit').click()
    await wait_for(user, 'room-list')
    assert error.text == ''  # type: ignore[attr-defined]  # not "This username is taken."
