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
    # room moderation (chat/moderation.py, pages/moderation.py)
    'banned_from_room': {'en': 'You are banned from this room.', 'ru': 'Вам закрыт доступ в эту комнату.'},
    'muted_until': {
        'en': 'You are muted in this room until {until}: you can read, but not write.',
        'ru': 'Вам запрещено писать в этой комнате до {until}: читать можно, писать нельзя.',
    },
    'muted_until_reason': {
        'en': 'You are muted in this room until {until}: you can read, but not write. Reason: {reason}',
        'ru': 'Вам запрещено писать в этой комнате до {until}: читать можно, писать нельзя. Причина: {reason}',
    },
    'muted_forever': {
        'en': 'You are muted in this room: you can read, but not write.',
        'ru': 'Вам запрещено писать в этой комнате: читать можно, писать нельзя.',
    },
    'muted_forever_reason': {
        'en': 'You are muted in this room: you can read, but not write. Reason: {reason}',
        'ru': 'Вам запрещено писать в этой комнате: читать можно, писать нельзя. Причина: {reason}',
    },
    'moderation_denied': {
        'en': 'Only the room’s owner, its moderators or an admin may do this.',
        'ru': 'Это может сделать только владелец комнаты, её модератор или администратор.',
    },
    'moderation_owner_only': {
        'en': 'Only the room’s owner or an admin may appoint or remove moderators.',
        'ru': 'Назначать и снимать модераторов может только владелец комнаты или администратор.',
    },
    'moderate_self': {'en': 'You cannot do this to yourself.', 'ru': 'Это нельзя сделать с самим собой.'},
    'moderate_owner_denied': {
        'en': 'Nobody may do this to the room’s owner.',
        'ru': 'Это нельзя сделать с владельцем комнаты.',
    },
    'moderate_admin_denied': {
        'en': 'Only an admin may do this to an admin.',
        'ru': 'Это может сделать с администратором только администратор.',
    },
    'moderate_moderator_denied': {
        'en': 'Only the room’s owner or an admin may do this to a moderator.',
        'ru': 'Это может сделать с модератором только владелец комнаты или администратор.',
    },
    'moderation_not_member': {
        'en': 'Only a member of the room can be made a moderator.',
        'ru': 'Модератором можно сделать только участника комнаты.',
    },
    'mute_duration_invalid': {'en': 'Choose how long the mute lasts.', 'ru': 'Выберите срок запрета.'},
    'moderation_reason_invalid': {
        'en': 'The reason contains characters that cannot be stored.',
        'ru': 'Причина содержит недопустимые символы.',
    },
    'moderation_reason_too_long': {
        'en': 'The reason is too long: at most {max} characters.',
        'ru': 'Причина слишком длинная: не больше {max} символов.',
    },
    'moderation_log_denied': {
        'en': 'Only the room’s owner or an admin may read its moderation log.',
        'ru': 'Журнал модерации комнаты может читать только её владелец или администратор.',
    },
    'notice_mute': {
        'en': '{actor} muted you in “{room}” until {until}.',
        'ru': '{actor} запретил(а) вам писать в комнате «{room}» до {until}.',
    },
    'notice_mute_forever': {
        'en': '{actor} muted you in “{room}”.',
        'ru': '{actor} запретил(а) вам писать в комнате «{room}».',
    },
    'notice_unmute': {
        'en': '{actor} lifted your mute in “{room}”: you can write again.',
        'ru': '{actor} снял(а) запрет в комнате «{room}»: можно снова писать.',
    },
    'notice_kick': {
        'en': '{actor} removed you from “{room}”.',
        'ru': '{actor} удалил(а) вас из комнаты «{room}».',
    },
    'notice_ban': {
        'en': '{actor} banned you from “{room}”.',
        'ru': '{actor} закрыл(а) вам доступ в комнату «{room}».',
    },
    'notice_unban': {
        'en': '{actor} lifted your ban from “{room}”: you may join it again.',
        'ru': '{actor} вернул(а) вам доступ в комнату «{room}».',
    },
    'notice_appoint': {
        'en': '{actor} made you a moderator of “{room}”.',
        'ru': '{actor} назначил(а) вас модератором комнаты «{room}».',
    },
    'notice_dismiss': {
        'en': '{actor} removed you as a moderator of “{room}”.',
        'ru': '{actor} снял(а) вас с роли модератора комнаты «{room}».',
    },
    'moderation_reason_is': {'en': 'Reason: {reason}', 'ru': 'Причина: {reason}'},
    'moderation_open': {'en': 'Moderation', 'ru': 'Модерация'},
    'moderate_person': {'en': 'Moderate {name}…', 'ru': 'Модерация: {name}…'},
    'moderation_nothing': {
        'en': 'You cannot moderate this person here.',
        'ru': 'Вы не можете модерировать этого человека здесь.',
    },
    'moderation_appoint': {'en': 'Make moderator', 'ru': 'Сделать модератором'},
    'moderation_dismiss': {'en': 'Remove as moderator', 'ru': 'Снять с модераторов'},
    'moderation_mute': {'en': 'Mute', 'ru': 'Запретить писать'},
    'moderation_unmute': {'en': 'Lift the mute', 'ru': 'Снять запрет'},
    'moderation_kick': {'en': 'Remove from the room', 'ru': 'Удалить из комнаты'},
    'moderation_ban': {'en': 'Ban', 'ru': 'Закрыть доступ'},
    'moderation_unban': {'en': 'Lift the ban', 'ru': 'Вернуть доступ'},
    'moderation_title_appoint': {'en': 'Make {name} a moderator', 'ru': 'Назначить {name} модератором'},
    'moderation_title_dismiss': {'en': 'Remove {name} as a moderator', 'ru': 'Снять {name} с модераторов'},
    'moderation_title_mute': {'en': 'Mute {name}', 'ru': 'Запретить писать: {name}'},
    'moderation_title_unmute': {'en': 'Lift the mute of {name}', 'ru': 'Снять запрет: {name}'},
    'moderation_title_kick': {'en': 'Remove {name} from the room', 'ru': 'Удалить {name} из комнаты'},
    'moderation_title_ban': {'en': 'Ban {name} from the room', 'ru': 'Закрыть доступ в комнату: {name}'},
    'moderation_title_unban': {'en': 'Lift the ban of {name}', 'ru': 'Вернуть доступ: {name}'},
    'moderation_hint_mute': {
        'en': 'They can still read the room, but not write or react.',
        'ru': 'Читать комнату можно будет, писать и ставить реакции — нет.',
    },
    'moderation_hint_kick': {
        'en': 'They leave the room now and may join it again.',
        'ru': 'Человек сейчас же покинет комнату, но сможет вернуться.',
    },
    'moderation_hint_ban': {
        'en': 'They leave the room now and cannot join it again until the ban is lifted.',
        'ru': 'Человек сейчас же покинет комнату и не сможет вернуться, пока доступ не вернут.',
    },
    'moderation_duration': {'en': 'For how long', 'ru': 'На какой срок'},
    'mute_10m': {'en': '10 minutes', 'ru': '10 минут'},
    'mute_1h': {'en': '1 hour', 'ru': '1 час'},
    'mute_1d': {'en': '1 day', 'ru': '1 день'},
    'mute_forever': {'en': 'Until lifted', 'ru': 'Пока не снимут'},
    'moderation_reason': {'en': 'Reason (optional)', 'ru': 'Причина (необязательно)'},
    'moderation_confirm': {'en': 'Confirm', 'ru': 'Подтвердить'},
    'moderation_done': {'en': 'Done: {name} — {action}.', 'ru': 'Готово: {name} — {action}.'},
    'moderation_restrictions': {'en': 'Muted and banned', 'ru': 'Запреты'},
    'moderation_none': {'en': 'Nobody is muted or banned here.', 'ru': 'Здесь ни у кого нет запретов.'},
    'moderation_muted_until': {'en': 'muted until {until}', 'ru': 'не может писать до {until}'},
    'moderation_muted_forever': {'en': 'muted until lifted', 'ru': 'не может писать, пока не снимут'},
    'moderation_banned': {'en': 'banned', 'ru': 'доступ закрыт'},
    'moderation_log': {'en': 'Moderation log', 'ru': 'Журнал модерации'},
    'moderation_log_empty': {'en': 'No moderation actions yet.', 'ru': 'Действий модерации пока не было.'},
    'moderation_log_line': {'en': '{target}: {action} (by {actor})', 'ru': '{target}: {action} (кто: {actor})'},
    'moderation_log_until': {'en': 'until {until}', 'ru': 'до {until}'},
    'moderation_log_older': {'en': 'Older entries', 'ru': 'Более ранние записи'},
    'moderation_gone_account': {'en': 'a deleted account', 'ru': 'удалённый аккаунт'},
    'moderation_moderator_mark': {'en': 'moderator', 'ru': 'модератор'},
    'action_appoint': {'en': 'made moderator', 'ru': 'назначен(а) модератором'},
    'action_dismiss': {'en': 'removed as moderator', 'ru': 'снят(а) с модераторов'},
    'action_mute': {'en': 'muted', 'ru': 'запрет писать'},
    'action_unmute': {'en': 'mute lifted', 'ru': 'запрет снят'},
    'action_kick': {'en': 'removed from the room', 'ru': 'удалён(а) из комнаты'},
    'action_ban': {'en': 'banned', 'ru': 'доступ закрыт'},
    'action_unban': {'en': 'ban lifted', 'ru': 'доступ возвращён'},
    # room page
    'message_placeholder': {'en': 'Write a message…', 'ru': 'Напишите сообщение…'},  # one line on a phone
    'message_newline_hint': {'en': 'Shift+Enter: new line', 'ru': 'Shift+Enter — новая строка'},  # wide screens
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
    'message_reactions': {'en': 'Reactions', 'ru': 'Реакции'},
    'message_reactions_none': {'en': 'No reactions any more.', 'ru': 'Реакций больше нет.'},
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
        'en': 'Only the author, the room’s owner, its moderators or an admin may delete this message.',
        'ru': 'Удалить это сообщение может только автор, владелец комнаты, её модератор или администратор.',
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
        'en': 'Choose someone for their card: a conversation of two, or a private note here.',
        'ru': 'Выберите человека, чтобы открыть его карточку: личная переписка или записка здесь.',
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
    # attachments (chat/files.py)
    'attach_files': {'en': 'Attach files', 'ru': 'Прикрепить файлы'},
    'attach_drop': {
        'en': 'Drop files here or click to choose (up to {size} each)',
        'ru': 'Перетащите файлы сюда или нажмите, чтобы выбрать (до {size} каждый)',
    },
    'attachment_size': {'en': '{n}', 'ru': '{n}'},  # a file's size in the reader's units (passed as Bytes)
    'attachment_remove': {'en': 'Remove {name}', 'ru': 'Убрать {name}'},
    'attachment_open': {'en': 'Open {name} full size', 'ru': 'Открыть {name} в полном размере'},
    'attachment_download': {'en': 'Download {name}', 'ru': 'Скачать {name}'},
    'file_too_large': {
        'en': '{name}: the file is too large (at most {size}).',
        'ru': '{name}: файл слишком большой (не больше {size}).',
    },
    'file_empty': {'en': '{name}: the file is empty.', 'ru': '{name}: файл пустой.'},
    'file_quota': {
        'en': '{name}: you have used your upload allowance for today ({size} a day).',
        'ru': '{name}: дневной лимит загрузок исчерпан ({size} в сутки).',
    },
    'file_type': {
        'en': '{name}: this kind of file is not accepted (images, PDF, text, ZIP and office documents are).',
        'ru': '{name}: такие файлы не принимаются (можно изображения, PDF, текст, ZIP и офисные документы).',
    },
    'file_not_image': {
        'en': '{name}: this file is not a readable image (or it is truncated).',
        'ru': '{name}: этот файл не является читаемым изображением (или он повреждён).',
    },
    'file_too_many_pixels': {
        'en': '{name}: the image has too many pixels (at most {pixels}).',
        'ru': '{name}: в изображении слишком много пикселей (не больше {pixels}).',
    },
    'file_not_stored': {
        'en': '{name}: the file could not be stored. Please try again.',
        'ru': '{name}: не удалось сохранить файл. Попробуйте ещё раз.',
    },
    'file_gone': {
        'en': 'An attached file is no longer available: please attach it again.',
        'ru': 'Прикреплённый файл больше недоступен: прикрепите его снова.',
    },
    'file_not_found': {'en': 'No such file.', 'ru': 'Такого файла нет.'},
    # a message of files alone, in a one-line preview (chat/previews.py): the room list, a quoted reply
    'preview_file': {'en': '📎 {name}', 'ru': '📎 {name}'},
    'preview_photo': {'en': '🖼 Photo', 'ru': '🖼 Фото'},
    'preview_files': {'en': '📎 {files}', 'ru': '📎 {files}'},
    'preview_photos': {'en': '🖼 {photos}', 'ru': '🖼 {photos}'},
    'files_too_many': {
        'en': 'At most {max} files per message.',
        'ru': 'Не больше {max} файлов в одном сообщении.',
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
    # rooms as communities: settings, private rooms, invitations, members, direct conversations
    'room_settings': {'en': 'Room settings', 'ru': 'Настройки комнаты'},
    'room_topic': {'en': 'Topic', 'ru': 'Тема'},
    'room_topic_hint': {
        'en': 'One line under the name, up to {max} characters',
        'ru': 'Одна строка под названием, до {max} символов',
    },
    'room_topic_length': {
        'en': 'A topic may have at most {max} characters.',
        'ru': 'Тема может быть не длиннее {max} символов.',
    },
    'room_topic_invalid': {'en': 'A topic is one line of text.', 'ru': 'Тема — одна строка текста.'},
    'room_private_switch': {
        'en': 'Private: only members see and read it',
        'ru': 'Закрытая: видят и читают только участники',
    },
    'room_private_badge': {'en': 'Private', 'ru': 'Закрытая'},
    # direct conversations and profile cards (chat/direct.py, pages/profile_card.py)
    'direct_self': {'en': 'This is you.', 'ru': 'Это вы.'},
    'direct_room_public': {
        'en': 'A conversation of two stays private.',
        'ru': 'Личная переписка остаётся закрытой.',
    },
    'direct_room_rename': {
        'en': 'A conversation of two is named after the other person.',
        'ru': 'Личная переписка называется по имени собеседника.',
    },
    'direct_room_invite': {
        'en': 'Nobody else can be invited to a conversation of two.',
        'ru': 'В личную переписку нельзя пригласить других.',
    },
    'profile_member_since': {'en': 'Member since {date}', 'ru': 'Участник с {date}'},
    'profile_message': {'en': 'Message', 'ru': 'Написать'},
    'profile_moderate': {'en': 'Moderate…', 'ru': 'Модерация…'},
    'profile_whisper': {'en': 'Private, not saved', 'ru': 'Лично, без сохранения'},
    'profile_close': {'en': 'Close', 'ru': 'Закрыть'},
    'room_settings_saved': {'en': 'Settings saved.', 'ru': 'Настройки сохранены.'},
    'room_private': {
        'en': 'This room is private. Only its members can see it; ask one of them for an invitation.',
        'ru': 'Это закрытая комната. Её видят только участники — попросите кого-нибудь из них пригласить вас.',
    },
    'room_private_title': {'en': 'This room is private', 'ru': 'Это закрытая комната'},
    'room_private_text': {
        'en': 'Only its members can see it. Ask one of them to invite you.',
        'ru': 'Её видят только участники. Попросите кого-нибудь из них пригласить вас.',
    },
    'room_name_private': {
        'en': 'A private room is called “{name}”. Ask a member for an invitation, or choose another name.',
        'ru': 'Закрытая комната «{name}» уже есть. Попросите участника пригласить вас или выберите другое название.',
    },
    'room_made_private_notice': {'en': 'The room is private now.', 'ru': 'Комната теперь закрытая.'},
    'room_made_public_notice': {'en': 'The room is public now.', 'ru': 'Комната теперь открытая.'},
    'invite': {'en': 'Invite', 'ru': 'Пригласить'},
    'invite_people': {'en': 'Invite people', 'ru': 'Пригласить людей'},
    'invite_by_username': {'en': 'Add by username', 'ru': 'Добавить по имени пользователя'},
    'invite_add': {'en': 'Add', 'ru': 'Добавить'},
    'invite_added': {'en': '{name} is a member now.', 'ru': '{name} теперь участник.'},
    'invite_no_such_user': {'en': 'Nobody has the username “{name}”.', 'ru': 'Пользователя «{name}» нет.'},
    'invite_already_member': {'en': '{name} is a member already.', 'ru': '{name} уже участник.'},
    'invite_links': {'en': 'Invite links', 'ru': 'Ссылки-приглашения'},
    'invite_links_hint': {
        'en': 'Whoever has a link can join until it expires, is used up or you revoke it.',
        'ru': 'Любой, у кого есть ссылка, может войти, пока она не истекла, не исчерпана и не отозвана.',
    },
    'invite_valid_for': {'en': 'Valid for', 'ru': 'Действует'},
    'invite_hours_1': {'en': '1 hour', 'ru': '1 час'},
    'invite_hours_24': {'en': '1 day', 'ru': '1 день'},
    'invite_hours_168': {'en': '7 days', 'ru': '7 дней'},
    'invite_hours_720': {'en': '30 days', 'ru': '30 дней'},
    'invite_max_uses': {'en': 'Uses (empty: no limit)', 'ru': 'Сколько раз (пусто — без ограничения)'},
    'invite_create_link': {'en': 'Create link', 'ru': 'Создать ссылку'},
    'invite_link_created': {
        'en': 'Copy the link now: it is shown only once.',
        'ru': 'Скопируйте ссылку сейчас: она показывается только один раз.',
    },
    'invite_copy': {'en': 'Copy', 'ru': 'Копировать'},
    'invite_copied': {'en': 'Link copied.', 'ru': 'Ссылка скопирована.'},
    'invite_link_row': {'en': 'until {until} · used {uses}', 'ru': 'до {until} · использована {uses}'},
    'invite_link_row_limit': {
        'en': 'until {until} · used {uses} of {max}',
        'ru': 'до {until} · использована {uses} из {max}',
    },
    'invite_revoke': {'en': 'Revoke', 'ru': 'Отозвать'},
    'invite_revoked_done': {'en': 'Link revoked.', 'ru': 'Ссылка отозвана.'},
    'invite_no_links': {'en': 'No active links.', 'ru': 'Активных ссылок нет.'},
    'invite_hours': {'en': 'A link lives 1 to {max} hours.', 'ru': 'Ссылка действует от 1 до {max} часов.'},
    'invite_uses': {'en': 'A link may be used 1 to {max} times.', 'ru': 'Ссылку можно использовать от 1 до {max} раз.'},
    'invite_unknown': {
        'en': 'This invite link is not valid. Check that it was copied whole.',
        'ru': 'Эта ссылка-приглашение недействительна. Проверьте, что она скопирована целиком.',
    },
    'invite_expired': {'en': 'This invite link has expired.', 'ru': 'Срок действия этой ссылки-приглашения истёк.'},
    'invite_revoked': {'en': 'This invite link has been revoked.', 'ru': 'Эта ссылка-приглашение отозвана.'},
    'invite_used_up': {
        'en': 'This invite link has been used as often as it may be.',
        'ru': 'Эту ссылку-приглашение уже использовали максимальное число раз.',
    },
    'invite_title': {'en': 'Invitation', 'ru': 'Приглашение'},
    'invite_to_room': {'en': 'You are invited to join “{name}”.', 'ru': 'Вас приглашают в комнату «{name}».'},
    'invite_join': {'en': 'Join', 'ru': 'Вступить'},
    'invite_open_room': {'en': 'You are a member already: open the room', 'ru': 'Вы уже участник: открыть комнату'},
    'private_not_saved': {
        'en': 'Private, not saved: only they see it, and it is gone when their page reloads.',
        'ru': 'Лично и без сохранения: видит только адресат, и сообщение исчезнет, когда его страница перезагрузится.',
    },
    'members_offline': {'en': 'Not here now', 'ru': 'Сейчас не здесь'},
    'member_owner': {'en': 'owner', 'ru': 'владелец'},
    'last_seen_now': {'en': 'last seen just now', 'ru': 'был(а) только что'},
    'last_seen_minutes': {'en': 'last seen {count} min ago', 'ru': 'был(а) {count} мин назад'},
    'last_seen_hours': {'en': 'last seen {count} h ago', 'ru': 'был(а) {count} ч назад'},
    'last_seen_days': {'en': 'last seen {count} d ago', 'ru': 'был(а) {count} дн. назад'},
    'last_seen_date': {'en': 'last seen {date}', 'ru': 'был(а) {date}'},
    'last_seen_unknown': {'en': 'not seen lately', 'ru': 'давно не заходил(а)'},
    'members_more': {'en': 'and more, not listed', 'ru': 'и другие, не показаны'},
    'leave_room': {'en': 'Leave room', 'ru': 'Покинуть комнату'},
    'leave_room_confirm': {
        'en': 'Leave “{name}”? A private room needs a new invitation to come back.',
        'ru': 'Покинуть «{name}»? В закрытую комнату вернуться можно только по новому приглашению.',
    },
    'left_room': {'en': 'You left “{name}”.', 'ru': 'Вы покинули «{name}».'},
    'owner_must_transfer': {
        'en': 'You own this room: hand it to another member first, or delete it.',
        'ru': 'Вы владелец комнаты: сначала передайте её другому участнику или удалите.',
    },
    'not_a_member': {'en': 'You are not a member of this room.', 'ru': 'Вы не участник этой комнаты.'},
    'transfer_owner': {'en': 'Hand the room to', 'ru': 'Передать комнату'},
    'transfer_do': {'en': 'Hand over', 'ru': 'Передать'},
    'transfer_done': {'en': '{name} owns the room now.', 'ru': 'Теперь комната принадлежит: {name}.'},
    'transfer_not_member': {
        'en': 'Only a member of the room can own it.',
        'ru': 'Владельцем может стать только участник комнаты.',
    },
    # a missing page
    'not_found_title': {'en': 'Page not found', 'ru': 'Страница не найдена'},
    'not_found_text': {
        'en': 'Nothing is at this address: the link may be mistyped, or what it pointed to is gone.',
        'ru': 'По этому адресу ничего нет: возможно, в ссылке опечатка или то, на что она вела, удалено.',
    },
    'not_found_sign_in': {'en': 'Go to sign-in', 'ru': 'Перейти ко входу'},
    # the admin page (pages/admin.py) and "your data" (the control panel)
    'admin': {'en': 'Administration', 'ru': 'Администрирование'},
    'admin_only': {'en': 'Only admins may do this.', 'ru': 'Это могут только администраторы.'},
    'admin_not_allowed': {
        'en': 'This page is for admins only.',
        'ru': 'Эта страница только для администраторов.',
    },
    'admin_refresh': {'en': 'Refresh', 'ru': 'Обновить'},
    'close': {'en': 'Close', 'ru': 'Закрыть'},
    'admin_dashboard': {'en': 'Dashboard', 'ru': 'Обзор'},
    'admin_users': {'en': 'Users', 'ru': 'Пользователи'},
    'admin_rooms': {'en': 'Rooms', 'ru': 'Комнаты'},
    'admin_search': {'en': 'Search by name', 'ru': 'Поиск по имени'},
    'admin_page_of': {
        'en': 'Page {page} of {pages} ({count} found)',
        'ru': 'Страница {page} из {pages} (найдено: {count})',
    },
    'admin_previous': {'en': 'Previous', 'ru': 'Назад'},
    'admin_next': {'en': 'Next', 'ru': 'Вперёд'},
    'admin_badge': {'en': 'admin', 'ru': 'админ'},
    'disabled_badge': {'en': 'disabled', 'ru': 'отключён'},
    'admin_disable': {'en': 'Disable', 'ru': 'Отключить'},
    'admin_enable': {'en': 'Enable', 'ru': 'Включить'},
    'admin_promote': {'en': 'Make admin', 'ru': 'Сделать админом'},
    'admin_demote': {'en': 'Remove admin', 'ru': 'Снять админа'},
    'admin_reset': {'en': 'Reset link', 'ru': 'Ссылка для сброса'},
    'admin_reset_made': {
        'en': 'A one-time link for {name}, valid 24 hours. Give it to them privately:',
        'ru': 'Одноразовая ссылка для {name}, действует 24 часа. Передайте её лично:',
    },
    'admin_owner': {'en': 'Owner', 'ru': 'Владелец'},
    'admin_no_owner': {'en': 'no owner', 'ru': 'без владельца'},
    'admin_set_owner': {'en': 'Change owner', 'ru': 'Сменить владельца'},
    'admin_new_owner': {'en': 'New owner (username)', 'ru': 'Новый владелец (имя пользователя)'},
    'admin_owner_changed': {'en': 'The owner of {name} is changed.', 'ru': 'Владелец комнаты {name} изменён.'},
    'admin_user_changed': {'en': 'Saved for {name}.', 'ru': 'Сохранено для {name}.'},
    'chart_messages': {'en': 'Messages per day (30 days)', 'ru': 'Сообщений в день (30 дней)'},
    'chart_authors': {'en': 'Active people per day (30 days)', 'ru': 'Активных людей в день (30 дней)'},
    'chart_rooms': {'en': 'Busiest rooms (7 days)', 'ru': 'Самые активные комнаты (7 дней)'},
    'online_now': {'en': 'Online now', 'ru': 'Сейчас в сети'},
    'storage_database': {'en': 'Database', 'ru': 'База данных'},
    'storage_media': {'en': 'Media files', 'ru': 'Медиафайлы'},
    'cannot_disable_self': {'en': 'You cannot disable yourself.', 'ru': 'Нельзя отключить самого себя.'},
    'last_admin': {
        'en': 'This is the last admin: make someone else an admin first.',
        'ru': 'Это последний администратор: сначала назначьте другого.',
    },
    'account_disabled': {
        'en': 'This account is disabled. Ask an admin.',
        'ru': 'Эта учётная запись отключена. Обратитесь к администратору.',
    },
    'reset_title': {'en': 'Set a new password', 'ru': 'Новый пароль'},
    'reset_invalid': {
        'en': 'This link is used, expired or wrong. Ask an admin for a new one.',
        'ru': 'Ссылка уже использована, устарела или неверна. Попросите у администратора новую.',
    },
    'reset_done': {
        'en': 'Your password is set. Sign in with it.',
        'ru': 'Пароль установлен. Войдите с ним.',
    },
    'your_data': {'en': 'Your data', 'ru': 'Ваши данные'},
    'export_my_data': {'en': 'Export my data (JSON)', 'ru': 'Выгрузить мои данные (JSON)'},
    'export_my_data_hint': {
        'en': 'Your profile and your messages (with a list of their attached files), as one JSON file.',
        'ru': 'Ваш профиль и ваши сообщения (со списком прикреплённых файлов) одним файлом JSON.',
    },
    'delete_account': {'en': 'Delete my account', 'ru': 'Удалить мой аккаунт'},
    'delete_keep_messages': {
        'en': 'Keep my messages, shown as by "deleted user"',
        'ru': 'Оставить мои сообщения с подписью «удалённый пользователь»',
    },
    'delete_my_messages': {
        'en': 'Delete my messages (they show "message deleted")',
        'ru': 'Удалить мои сообщения (останется «сообщение удалено»)',
    },
    'delete_account_hint': {
        'en': 'Your profile, avatar and sessions go. Rooms you own stay, without an owner. This cannot be undone.',
        'ru': 'Профиль, аватар и сеансы удаляются. Ваши комнаты остаются без владельца. Это нельзя отменить.',
    },
    'delete_account_confirm': {'en': 'Type your password to confirm', 'ru': 'Введите пароль для подтверждения'},
    'account_deleted': {'en': 'Your account is deleted.', 'ru': 'Ваш аккаунт удалён.'},
    'deleted_user': {'en': 'deleted user', 'ru': 'удалённый пользователь'},
    # units: the forms of a word after a number (English: one | other; Russian: one | few | many, see `plural`)
    'unit_bytes': {'en': 'byte|bytes', 'ru': 'байт|байта|байт'},
    'unit_kb': {'en': 'KB|KB', 'ru': 'КБ|КБ|КБ'},
    'unit_mb': {'en': 'MB|MB', 'ru': 'МБ|МБ|МБ'},
    'unit_pixels': {'en': 'pixel|pixels', 'ru': 'пиксель|пикселя|пикселей'},
    'unit_megapixels': {'en': 'megapixel|megapixels', 'ru': 'мегапиксель|мегапикселя|мегапикселей'},
    'unit_files': {'en': 'file|files', 'ru': 'файл|файла|файлов'},
    'unit_photos': {'en': 'photo|photos', 'ru': 'фото|фото|фото'},
    # search (pages/search.py, chat/search.py)
    'search': {'en': 'Search', 'ru': 'Поиск'},
    'search_messages': {'en': 'Search messages', 'ru': 'Поиск сообщений'},
    'search_placeholder': {'en': 'Words, in:room, from:name', 'ru': 'Слова, in:комната, from:имя'},
    'search_help': {
        'en': 'All words must appear; 3+ letters also find longer words. Filters: in:room (in:"two words"; '
        'in:name for a direct conversation), from:username, after:2026-01-31 (that day on), '
        'before:2026-02-01 (earlier days).',
        'ru': 'Нужны все слова; слова от 3 букв находят и более длинные. Фильтры: in:комната (in:"два слова"; '
        'in:имя — личная переписка), from:имя_пользователя, after:2026-01-31 (с этого дня), '
        'before:2026-02-01 (до этого дня).',
    },
    'search_no_results': {'en': 'No messages found.', 'ru': 'Сообщения не найдены.'},
    'search_more': {'en': 'More results', 'ru': 'Ещё результаты'},
    'search_result_label': {
        'en': '{author} in {room}, {time}',
        'ru': '{author} в комнате «{room}», {time}',
    },
    'search_no_words': {'en': 'Type a word to search for.', 'ru': 'Введите слово для поиска.'},
    'search_too_many_words': {
        'en': 'Search for at most {max} words at once.',
        'ru': 'Можно искать не больше {max} слов сразу.',
    },
    'search_too_long': {
        'en': 'A search may have at most {max} characters.',
        'ru': 'Поисковый запрос может быть не длиннее {max} символов.',
    },
    'search_bad_date': {
        'en': '"{value}" is not a date: write it as 2026-01-31.',
        'ru': '«{value}» — не дата: пишите её как 2026-01-31.',
    },
    'rate_search': {
        'en': 'Too many searches: try again in {seconds} s.',
        'ru': 'Слишком много поисков: повторите через {seconds} с.',
    },
}

# parameters that are always a count of something: grouped as the reader's language writes numbers ("4,000")
COUNT_PARAMETERS = frozenset({'count', 'max', 'min'})


class Bytes(int):
    """A size in bytes, shown to a person as "5 MB" / "5 МБ" (equal to the plain number everywhere else)."""


class Pixels(int):
    """A number of pixels, shown to a person as "16 megapixels" / "16 мегапикселей"."""


class FileCount(int):
    """A number of files, shown as "3 files" / "3 файла" / "5 файлов"."""


class PhotoCount(int):
    """A number of pictures, shown as "3 photos" / "3 фото"."""


_COUNTED = {FileCount: 'unit_files', PhotoCount: 'unit_photos'}


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
    if (unit := _COUNTED.get(type(value))) is not None:
        return _with_unit(language, value, unit)
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
