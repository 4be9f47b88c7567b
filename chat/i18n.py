"""The one translation table: every user-facing string, in English and Russian."""

from __future__ import annotations

from typing import Any

LANGUAGES = ('en', 'ru')
LANGUAGE_NAMES = {'en': 'English', 'ru': 'Русский'}

TRANSLATIONS: dict[str, dict[str, str]] = {
    'app_name': {'en': 'Messenger', 'ru': 'Мессенджер'},
    # auth
    'sign_in': {'en': 'Sign in', 'ru': 'Войти'},
    'sign_out': {'en': 'Sign out', 'ru': 'Выйти'},
    'register': {'en': 'Register', 'ru': 'Зарегистрироваться'},
    'create_account': {'en': 'Create an account', 'ru': 'Создать аккаунт'},
    'have_account': {'en': 'Already have an account? Sign in', 'ru': 'Уже есть аккаунт? Войдите'},
    'no_account': {'en': 'No account yet? Register', 'ru': 'Нет аккаунта? Зарегистрируйтесь'},
    'username': {'en': 'Username', 'ru': 'Имя пользователя'},
    'password': {'en': 'Password', 'ru': 'Пароль'},
    'display_name': {'en': 'Display name', 'ru': 'Отображаемое имя'},
    'display_name_optional': {'en': 'Display name (optional)', 'ru': 'Отображаемое имя (необязательно)'},
    'username_hint': {'en': '3–32 characters: letters, digits, _ . -', 'ru': '3–32 символа: буквы, цифры, _ . -'},
    'password_hint': {'en': 'At least 8 characters', 'ru': 'Не меньше 8 символов'},
    'login_failed': {'en': 'Wrong username or password.', 'ru': 'Неверное имя пользователя или пароль.'},
    'username_invalid': {
        'en': 'A username has 3–32 characters: letters, digits, _ . -',
        'ru': 'Имя пользователя: 3–32 символа — буквы, цифры, _ . -',
    },
    'username_taken': {'en': 'This username is taken.', 'ru': 'Это имя пользователя уже занято.'},
    'username_confusable': {
        'en': 'This username looks like the name of someone else. Please choose another.',
        'ru': 'Это имя пользователя похоже на имя другого человека. Выберите другое.',
    },
    'password_too_short': {
        'en': 'The password needs at least {min} characters.',
        'ru': 'Пароль должен быть не короче {min} символов.',
    },
    'password_too_long': {
        'en': 'The password may have at most {max} characters.',
        'ru': 'Пароль может быть не длиннее {max} символов.',
    },
    'password_invalid': {
        'en': 'The password contains invalid characters.',
        'ru': 'Пароль содержит недопустимые символы.',
    },
    'password_wrong': {'en': 'The current password is wrong.', 'ru': 'Текущий пароль неверен.'},
    'session_ended': {'en': 'Your session has ended. Please sign in again.', 'ru': 'Сеанс завершён. Войдите снова.'},
    'welcome': {'en': 'Welcome, {name}!', 'ru': 'Добро пожаловать, {name}!'},
    # rate limits
    'rate_login': {
        'en': 'Too many failed attempts. Try again in {seconds} s.',
        'ru': 'Слишком много неудачных попыток. Повторите через {seconds} с.',
    },
    'rate_registrations': {
        'en': 'Too many registrations from your address. Try again in {seconds} s.',
        'ru': 'Слишком много регистраций с вашего адреса. Повторите через {seconds} с.',
    },
    'rate_rooms': {
        'en': 'You have created too many rooms. Try again in {seconds} s.',
        'ru': 'Вы создали слишком много комнат. Повторите через {seconds} с.',
    },
    'rate_messages': {
        'en': 'Slow down: you can send again in {seconds} s.',
        'ru': 'Не так быстро: снова можно отправить через {seconds} с.',
    },
    # rooms
    'joined_rooms': {'en': 'My rooms', 'ru': 'Мои комнаты'},
    'mark_all_read': {'en': 'Mark all as read', 'ru': 'Отметить всё как прочитанное'},
    'filter_or_create': {'en': 'Find or create a room', 'ru': 'Найти или создать комнату'},
    'no_joined_rooms': {'en': 'No rooms yet', 'ru': 'Комнат пока нет'},
    'no_joined_match': {'en': 'No room matches; Enter creates it', 'ru': 'Нет такой комнаты; Enter создаст её'},
    'browse_all_rooms': {'en': 'Browse all rooms', 'ru': 'Все комнаты'},
    'unread_count': {'en': '{count} unread', 'ru': 'Непрочитанных: {count}'},
    'mentioned_you': {'en': 'You were mentioned', 'ru': 'Вас упомянули'},
    'mentioned_in': {'en': 'You were mentioned in {room}', 'ru': 'Вас упомянули в комнате «{room}»'},
    'new_messages': {'en': 'New messages', 'ru': 'Новые сообщения'},
    'open_rooms': {'en': 'Rooms', 'ru': 'Комнаты'},
    'open_people': {'en': 'People here', 'ru': 'Кто здесь'},
    'browse_rooms': {'en': 'Browse rooms', 'ru': 'Все комнаты'},
    'no_rooms_match': {'en': 'No rooms match', 'ru': 'Подходящих комнат нет'},
    'no_messages_yet': {'en': 'No messages yet', 'ru': 'Сообщений пока нет'},
    'no_rooms': {'en': 'No rooms yet. Create the first one!', 'ru': 'Комнат пока нет. Создайте первую!'},
    'join_or_create': {'en': 'Join or create a room by name', 'ru': 'Войти в комнату или создать её по имени'},
    'open': {'en': 'Open', 'ru': 'Открыть'},
    'online_count': {'en': '{count} online', 'ru': 'в сети: {count}'},
    'room_name_length': {
        'en': 'A room name has 1–{max} characters.',
        'ru': 'Название комнаты: от 1 до {max} символов.',
    },
    'room_name_invalid': {
        'en': 'A room name must be one line without control characters.',
        'ru': 'Название комнаты — одна строка без управляющих символов.',
    },
    'room_name_invisible': {
        'en': 'A room name must not contain invisible or text-direction characters.',
        'ru': 'Название комнаты не должно содержать невидимых символов и символов направления текста.',
    },
    'room_name_taken': {'en': 'A room named “{name}” already exists.', 'ru': 'Комната «{name}» уже существует.'},
    'room_not_found': {'en': 'This room does not exist (any more).', 'ru': 'Этой комнаты нет (больше нет).'},
    'room_created': {'en': 'Room “{name}” created.', 'ru': 'Комната «{name}» создана.'},
    'room_deleted_notice': {'en': 'The room “{name}” was deleted.', 'ru': 'Комната «{name}» удалена.'},
    'room_renamed_notice': {'en': 'The room is now called “{name}”.', 'ru': 'Комната теперь называется «{name}».'},
    'not_room_owner': {
        'en': 'Only the room’s owner or an admin may do this.',
        'ru': 'Это может сделать только владелец комнаты или администратор.',
    },
    'back_to_rooms': {'en': 'All rooms', 'ru': 'Все комнаты'},
    # room page
    'message_placeholder': {
        'en': 'Write a message… (Shift+Enter: new line)',
        'ru': 'Сообщение… (Shift+Enter — новая строка)',  # one line on a phone
    },
    'message_counter': {'en': '{count} / {max}', 'ru': '{count} из {max}'},
    'message_counter_hint': {
        'en': 'Characters used of the {max} a message may have',
        'ru': 'Сколько символов из {max} допустимых уже занято',
    },
    'send': {'en': 'Send', 'ru': 'Отправить'},
    'mention_suggestions': {'en': 'People to mention', 'ru': 'Кого упомянуть'},
    'mention_room_denied': {
        'en': 'Only the room’s owner or an admin may notify everyone with @room.',
        'ru': 'Обратиться ко всем через @room может только владелец комнаты или администратор.',
    },
    'load_older': {'en': 'Load older messages', 'ru': 'Загрузить более ранние сообщения'},
    'jump_newest': {'en': 'Jump to the newest messages', 'ru': 'К новым сообщениям'},
    'new_below': {'en': 'New messages below: {count}', 'ru': 'Новые сообщения ниже: {count}'},
    'show_more': {'en': 'Show more', 'ru': 'Показать полностью'},
    'show_less': {'en': 'Show less', 'ru': 'Свернуть'},
    'no_messages': {'en': 'No messages yet. Say hello!', 'ru': 'Сообщений пока нет. Поздоровайтесь!'},
    'feed_label': {'en': 'Messages', 'ru': 'Сообщения'},
    'skip_to_messages': {'en': 'Skip to messages', 'ru': 'Перейти к сообщениям'},
    # the feed's day separators and its first line
    'day_today': {'en': 'Today', 'ru': 'Сегодня'},
    'day_yesterday': {'en': 'Yesterday', 'ru': 'Вчера'},
    'day_date': {'en': '{d} {m}', 'ru': '{d} {m}'},  # "5 December": a day of this year
    'day_date_year': {'en': '{d} {m} {y}', 'ru': '{d} {m} {y} г.'},
    'month_names': {  # as a date names them: "5 декабря"
        'en': 'January February March April May June July August September October November December',
        'ru': 'января февраля марта апреля мая июня июля августа сентября октября ноября декабря',
    },
    'room_beginning': {'en': 'The beginning of the room', 'ru': 'Начало комнаты'},
    'online_here': {'en': 'Online here', 'ru': 'Сейчас здесь'},
    'you': {'en': '(you)', 'ru': '(вы)'},
    'online_more': {'en': 'Show {count} more', 'ru': 'Показать ещё {count}'},
    'joined': {'en': '{name} joined', 'ru': '{name} вошёл(ла) в комнату'},
    'left': {'en': '{name} left', 'ru': '{name} вышел(ла) из комнаты'},
    'joined_two': {'en': '{first} and {second} joined', 'ru': '{first} и {second} вошли в комнату'},
    'joined_many': {
        'en': '{first}, {second} and {count} more joined',
        'ru': '{first}, {second} и ещё {count} вошли в комнату',
    },
    'left_two': {'en': '{first} and {second} left', 'ru': '{first} и {second} вышли из комнаты'},
    'left_many': {
        'en': '{first}, {second} and {count} more left',
        'ru': '{first}, {second} и ещё {count} вышли из комнаты',
    },
    'typing_one': {'en': '{name} is typing…', 'ru': '{name} печатает…'},
    'typing_two': {'en': '{first} and {second} are typing…', 'ru': '{first} и {second} печатают…'},
    'typing_many': {'en': 'Several people are typing…', 'ru': 'Несколько человек печатают…'},
    'message_empty': {'en': 'Write something first.', 'ru': 'Сначала напишите что-нибудь.'},
    'message_too_long': {
        'en': 'The message is too long: at most {max} characters.',
        'ru': 'Сообщение слишком длинное: не больше {max} символов.',
    },
    'message_invalid': {
        'en': 'The message contains characters that cannot be sent.',
        'ru': 'Сообщение содержит символы, которые нельзя отправить.',
    },
    'message_not_stored': {
        'en': 'The message could not be stored and was not sent. Please try again.',
        'ru': 'Не удалось сохранить сообщение, оно не отправлено. Попробуйте ещё раз.',
    },
    'storage_full': {
        'en': 'The server cannot store anything right now (its disk is full or read-only), so the '
        'message was not sent. It is still in the field: try again in a while.',
        'ru': 'Сервер сейчас не может ничего сохранить (диск заполнен или доступен только для чтения), '
        'поэтому сообщение не отправлено. Оно осталось в поле ввода: попробуйте позже.',
    },
    'server_restarting': {
        'en': 'The server is restarting, so the message was not sent. It is still in the field: send it again in a '
        'moment.',
        'ru': 'Сервер перезапускается, поэтому сообщение не отправлено. Оно осталось в поле ввода: отправьте его '
        'ещё раз чуть позже.',
    },
    'restart_notice': {
        'en': 'The server is restarting. This page reconnects by itself in a moment.',
        'ru': 'Сервер перезапускается. Страница переподключится сама через несколько секунд.',
    },
    'restart_page': {
        'en': 'The server is restarting. Reload this page in a few seconds.',
        'ru': 'Сервер перезапускается. Обновите страницу через несколько секунд.',
    },
    # message actions
    'message_actions': {'en': 'Message actions', 'ru': 'Действия с сообщением'},
    'message_edit': {'en': 'Edit', 'ru': 'Изменить'},
    'message_delete': {'en': 'Delete', 'ru': 'Удалить'},
    'message_reply': {'en': 'Reply', 'ru': 'Ответить'},
    'message_copy_link': {'en': 'Copy link', 'ru': 'Копировать ссылку'},
    'message_link_copied': {'en': 'Link copied.', 'ru': 'Ссылка скопирована.'},
    'message_more_emoji': {'en': 'More emoji', 'ru': 'Ещё эмодзи'},
    'message_edited_mark': {'en': 'edited', 'ru': 'изменено'},
    'message_deleted': {'en': 'message deleted', 'ru': 'сообщение удалено'},
    'message_confirm_delete': {'en': 'Delete this message for everyone?', 'ru': 'Удалить это сообщение для всех?'},
    'message_editing': {'en': 'Edit your message', 'ru': 'Изменение сообщения'},
    'replying_to': {'en': 'Replying to {name}: {text}', 'ru': 'Ответ для {name}: {text}'},
    'reply_cancel': {'en': 'Cancel the reply', 'ru': 'Отменить ответ'},
    'reacted_more': {'en': '{names} and {count} more', 'ru': '{names} и ещё {count}'},
    'message_not_found': {
        'en': 'This message does not exist (any more).',
        'ru': 'Этого сообщения нет (больше нет).',
    },
    'permalink_not_found': {
        'en': 'The linked message is not in this room (or no longer exists).',
        'ru': 'Сообщения по ссылке нет в этой комнате (или оно удалено).',
    },
    'message_gone': {'en': 'This message was deleted.', 'ru': 'Это сообщение удалено.'},
    'not_message_author': {
        'en': 'Only the author may edit this message.',
        'ru': 'Изменить это сообщение может только его автор.',
    },
    'message_delete_denied': {
        'en': 'Only the author, the room’s owner or an admin may delete this message.',
        'ru': 'Удалить это сообщение может только автор, владелец комнаты или администратор.',
    },
    'edit_window_over': {
        'en': 'A message can be edited only within {hours} h of sending it.',
        'ru': 'Сообщение можно изменить только в течение {hours} ч после отправки.',
    },
    'message_not_edited': {
        'en': 'The change could not be stored. Please try again.',
        'ru': 'Не удалось сохранить изменение. Попробуйте ещё раз.',
    },
    'reaction_invalid': {'en': 'This reaction is not available.', 'ru': 'Такая реакция недоступна.'},
    'reaction_too_many': {
        'en': 'A message can have at most {max} different reactions.',
        'ru': 'У сообщения может быть не больше {max} разных реакций.',
    },
    'rate_reactions': {
        'en': 'Too many reactions: try again in {seconds} s.',
        'ru': 'Слишком много реакций: повторите через {seconds} с.',
    },
    'private_to': {'en': 'private to {name}', 'ru': 'лично для {name}'},
    'private_from': {'en': '{name} (private)', 'ru': '{name} (лично)'},
    'private_placeholder': {'en': 'Private message to {name}…', 'ru': 'Личное сообщение для {name}…'},
    'private_send': {'en': 'Send privately', 'ru': 'Отправить лично'},
    'private_close': {'en': 'Close', 'ru': 'Закрыть'},
    'private_hint': {
        'en': 'Choose someone to write to them privately.',
        'ru': 'Выберите собеседника, чтобы написать ему лично.',
    },
    'private_not_delivered': {
        'en': '{name} is no longer here: the private message was not delivered.',
        'ru': '{name} уже нет в комнате: личное сообщение не доставлено.',
    },
    'private_to_self': {
        'en': 'You cannot send a private message to yourself.',
        'ru': 'Нельзя отправить личное сообщение самому себе.',
    },
    'live_interrupted': {
        'en': 'Live updates are interrupted; reconnecting…',
        'ru': 'Обновления в реальном времени прерваны; переподключение…',
    },
    'live_restored': {'en': 'Live updates are back.', 'ru': 'Обновления в реальном времени восстановлены.'},
    # header / panel
    'language': {'en': 'Language', 'ru': 'Язык'},
    'control_panel': {'en': 'Control panel', 'ru': 'Панель управления'},
    'user_not_found': {'en': 'No such user.', 'ru': 'Такого пользователя нет.'},
    'language_invalid': {'en': 'Unknown language.', 'ru': 'Неизвестный язык.'},
    'time_zone_invalid': {'en': 'Unknown time zone.', 'ru': 'Неизвестный часовой пояс.'},
    'display_name_length': {
        'en': 'A display name has 1–{max} characters.',
        'ru': 'Отображаемое имя: от 1 до {max} символов.',
    },
    'display_name_invalid': {
        'en': 'A display name must be one line without control characters.',
        'ru': 'Отображаемое имя — одна строка без управляющих символов.',
    },
    'display_name_invisible': {
        'en': 'A display name must not contain invisible or text-direction characters.',
        'ru': 'Отображаемое имя не должно содержать невидимых символов и символов направления текста.',
    },
    'display_name_mixed_scripts': {
        'en': 'A word of the name mixes alphabets so that it looks like another word (such as a Cyrillic “а” in a '
        'Latin name). Please write each word in one alphabet.',
        'ru': 'Слово в имени смешивает алфавиты так, что похоже на другое слово (например, латинская «a» в русском '
        'имени). Пишите каждое слово одним алфавитом.',
    },
    'display_name_confusable': {
        'en': 'This display name looks like the name of someone else. Please choose another.',
        'ru': 'Это отображаемое имя похоже на имя другого человека. Выберите другое.',
    },
    # control panel
    'profile': {'en': 'Profile', 'ru': 'Профиль'},
    'save': {'en': 'Save', 'ru': 'Сохранить'},
    'saved': {'en': 'Saved.', 'ru': 'Сохранено.'},
    'avatar': {'en': 'Avatar', 'ru': 'Аватар'},
    'avatar_upload': {
        'en': 'Upload an image (PNG, JPEG, WebP or GIF, up to {size})',
        'ru': 'Загрузите изображение (PNG, JPEG, WebP или GIF, до {size})',
    },
    'avatar_remove': {'en': 'Use the default avatar', 'ru': 'Вернуть аватар по умолчанию'},
    'avatar_saved': {'en': 'Your new avatar is saved.', 'ru': 'Новый аватар сохранён.'},
    'avatar_too_large': {
        'en': 'The image is too large: at most {size}.',
        'ru': 'Изображение слишком большое: не больше {size}.',
    },
    'avatar_not_image': {
        'en': 'This file is not a readable image (or it is truncated).',
        'ru': 'Этот файл не является читаемым изображением (или он повреждён).',
    },
    'avatar_format': {
        'en': 'Only PNG, JPEG, WebP and GIF images are accepted.',
        'ru': 'Принимаются только изображения PNG, JPEG, WebP и GIF.',
    },
    'avatar_too_many_pixels': {
        'en': 'The image has too many pixels (at most {pixels}).',
        'ru': 'В изображении слишком много пикселей (не больше {pixels}).',
    },
    'change_password': {'en': 'Change password', 'ru': 'Сменить пароль'},
    'current_password': {'en': 'Current password', 'ru': 'Текущий пароль'},
    'new_password': {'en': 'New password', 'ru': 'Новый пароль'},
    'password_changed': {
        'en': 'Password changed. Your other sessions are signed out.',
        'ru': 'Пароль изменён. Остальные сеансы завершены.',
    },
    'my_rooms': {'en': 'My rooms', 'ru': 'Мои комнаты'},
    'all_rooms_admin': {'en': 'All rooms (admin)', 'ru': 'Все комнаты (администратор)'},
    'no_own_rooms': {'en': 'You own no rooms yet.', 'ru': 'У вас пока нет своих комнат.'},
    'new_room': {'en': 'New room name', 'ru': 'Название новой комнаты'},
    'create': {'en': 'Create', 'ru': 'Создать'},
    'rename': {'en': 'Rename', 'ru': 'Переименовать'},
    'delete': {'en': 'Delete', 'ru': 'Удалить'},
    'cancel': {'en': 'Cancel', 'ru': 'Отмена'},
    'confirm_delete': {
        'en': 'Delete the room “{name}” with all its messages? This cannot be undone.',
        'ru': 'Удалить комнату «{name}» со всеми сообщениями? Это нельзя отменить.',
    },
    'room_renamed': {'en': 'Room renamed to “{name}”.', 'ru': 'Комната переименована в «{name}».'},
    'room_deleted': {'en': 'Room “{name}” deleted.', 'ru': 'Комната «{name}» удалена.'},
    'owner': {'en': 'owner: {name}', 'ru': 'владелец: {name}'},
    # room export (main.py export-room)
    'export_no_room': {'en': 'No room named “{name}”.', 'ru': 'Комнаты «{name}» нет.'},
    'export_title': {'en': 'Room “{name}”', 'ru': 'Комната «{name}»'},
    'export_summary': {
        'en': 'Messages: {count}. Exported {time} UTC.',
        'ru': 'Сообщений: {count}. Выгружено {time} UTC.',
    },
    # the user menu
    'user_menu': {'en': 'Account menu', 'ru': 'Меню аккаунта'},
    'theme': {'en': 'Theme', 'ru': 'Тема'},
    'theme_light': {'en': 'Light', 'ru': 'Светлая'},
    'theme_dark': {'en': 'Dark', 'ru': 'Тёмная'},
    'theme_system': {'en': 'As the system', 'ru': 'Как в системе'},
    'theme_invalid': {'en': 'Unknown theme.', 'ru': 'Неизвестная тема.'},
    # a missing page
    'not_found_title': {'en': 'Page not found', 'ru': 'Страница не найдена'},
    'not_found_text': {
        'en': 'Nothing is at this address: the link may be mistyped, or what it pointed to is gone.',
        'ru': 'По этому адресу ничего нет: возможно, в ссылке опечатка или то, на что она вела, удалено.',
    },
    'not_found_sign_in': {'en': 'Go to sign-in', 'ru': 'Перейти ко входу'},
    # units: the forms of a word after a number (English: one | other; Russian: one | few | many, see `plural`)
    'unit_bytes': {'en': 'byte|bytes', 'ru': 'байт|байта|байт'},
    'unit_kb': {'en': 'KB|KB', 'ru': 'КБ|КБ|КБ'},
    'unit_mb': {'en': 'MB|MB', 'ru': 'МБ|МБ|МБ'},
    'unit_pixels': {'en': 'pixel|pixels', 'ru': 'пиксель|пикселя|пикселей'},
    'unit_megapixels': {'en': 'megapixel|megapixels', 'ru': 'мегапиксель|мегапикселя|мегапикселей'},
}

# parameters that are always a count of something: grouped as the reader's language writes numbers ("4,000")
COUNT_PARAMETERS = frozenset({'count', 'max', 'min'})


class Bytes(int):
    """A size in bytes, shown to a person as "5 MB" / "5 МБ" (equal to the plain number everywhere else)."""


class Pixels(int):
    """A number of pixels, shown to a person as "16 megapixels" / "16 мегапикселей"."""


def translate(language: str, key: str, **params: Any) -> str:
    entry = TRANSLATIONS.get(key)
    if entry is None:
        return key
    text = entry.get(language) or entry['en']
    if not params:
        return text
    return text.format(**{name: _for_reader(language, name, value) for name, value in params.items()})


def _for_reader(language: str, name: str, value: Any) -> Any:
    """Numbers as a person reads them: sizes and pixel counts with their unit, counts grouped; the services pass
    plain numbers (or `Bytes` / `Pixels`), since only here is the reader's language known."""
    if isinstance(value, Bytes):
        return format_size(language, value)
    if isinstance(value, Pixels):
        return format_pixels(language, value)
    if name in COUNT_PARAMETERS and isinstance(value, int) and not isinstance(value, bool):
        return format_number(language, value)
    return value


def format_number(language: str, value: float) -> str:
    """Thousands grouped as each language writes them: 4,000 and 4 000 (a narrow no-break space); a fraction keeps
    at most one decimal, after a point or, in Russian, a comma (2.5 and 2,5); 5.0 is written 5."""
    rounded = round(value, 1)
    whole = rounded == int(rounded)
    grouped = f'{int(rounded):,}' if whole else f'{rounded:,.1f}'
    if language == 'ru':
        return grouped.replace(',', '\u202f').replace('.', ',')
    return grouped


def plural(language: str, key: str, value: float) -> str:
    """The form of a unit's word (`unit_*` in the table) that goes after `value`: English has one form for 1 and
    another for the rest; Russian has three for whole numbers (1 мегапиксель, 2 мегапикселя, 5 мегапикселей) and
    the second one after a fraction (2,5 мегапикселя)."""
    forms = translate(language, key).split('|')
    if language != 'ru':
        return forms[0] if value == 1 else forms[-1]
    if value != int(value):
        return forms[1]
    last_two, last = int(value) % 100, int(value) % 10
    if last == 1 and last_two != 11:
        return forms[0]
    if 2 <= last <= 4 and not 12 <= last_two <= 14:
        return forms[1]
    return forms[2]


def _with_unit(language: str, value: float, unit: str) -> str:
    shown = round(value, 1)
    return f'{format_number(language, shown)}\u00a0{plural(language, unit, shown)}'  # a no-break space


def format_size(language: str, size: int) -> str:
    """Bytes as people count them: 5 MB, 512 KB, 300 bytes (binary units, as the limits are set: 5 × 1024 × 1024)."""
    if size >= 1024 * 1024:
        return _with_unit(language, size / 1024 / 1024, 'unit_mb')
    if size >= 1024:
        return _with_unit(language, size / 1024, 'unit_kb')
    return _with_unit(language, size, 'unit_bytes')


def format_pixels(language: str, pixels: int) -> str:
    """16 megapixels / 16 мегапикселей; below a megapixel the pixels themselves (65,536 pixels)."""
    if pixels >= 1_000_000:
        return _with_unit(language, pixels / 1_000_000, 'unit_megapixels')
    return _with_unit(language, pixels, 'unit_pixels')


def best_language(accept_language: str | None, default: str = 'en') -> str:
    """Picks en or ru from an Accept-Language header, honouring q-values."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or '').split(',')):
        pieces = part.strip().split(';')
        tag = pieces[0].strip().lower().split('-')[0]
        quality = 1.0
        for piece in pieces[1:]:
            name, _, value = piece.strip().partition('=')
            if name == 'q':
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag in LANGUAGES and quality > 0:
            choices.append((-quality, position, tag))
    return min(choices)[2] if choices else default
