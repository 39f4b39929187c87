package api

import (
	"golang.org/x/text/language"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// Locales that user-facing messages exist in.
const (
	LocaleRussian = "ru"
	LocaleEnglish = "en"
)

// localeMatcher picks ru or en from an Accept-Language header. language.Matcher is safe for
// concurrent use and never changes after construction.
func newLocaleMatcher() language.Matcher {
	return language.NewMatcher([]language.Tag{language.Russian, language.English})
}

// matchLocale returns ru or en for an Accept-Language header, or fallback when it names
// neither.
func matchLocale(m language.Matcher, acceptLanguage, fallback string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return fallback
	}
	_, index, confidence := m.Match(tags...)
	if confidence == language.No {
		return fallback
	}
	if index == 0 {
		return LocaleRussian
	}
	return LocaleEnglish
}

// normalizeLocale maps a user's stored locale to ru or en.
func normalizeLocale(locale, fallback string) string {
	switch locale {
	case LocaleRussian, LocaleEnglish:
		return locale
	}
	if tag, err := language.Parse(locale); err == nil {
		base, _ := tag.Base()
		switch base.String() {
		case LocaleRussian, LocaleEnglish:
			return base.String()
		}
	}
	return fallback
}

// userMessage returns the message shown to the user for an error code.
func userMessage(code, locale string) string {
	ru := locale == LocaleRussian
	pick := func(ruText, enText string) string {
		if ru {
			return ruText
		}
		return enText
	}

	switch code {
	case protocol.CodeBadJSON:
		return pick("Запрос не разобран: ожидается JSON.", "The request could not be parsed: JSON expected.")
	case protocol.CodeInvalidRequest:
		return pick("В запросе неверное или пропущенное значение.", "The request has an invalid or missing value.")
	case protocol.CodeUnknownType:
		return pick("Неизвестная команда. Обновите страницу.", "Unknown command. Reload the page.")
	case protocol.CodeUnsupportedVersion:
		return pick("Версия приложения устарела. Обновите страницу.", "The app version is out of date. Reload the page.")
	case protocol.CodeTooLarge:
		return pick("Запрос слишком большой.", "The request is too large.")
	case protocol.CodeUnauthenticated:
		return pick("Войдите в систему.", "Please sign in.")
	case protocol.CodeInvalidCredentials:
		return pick("Неверный логин или пароль.", "Wrong login or password.")
	case protocol.CodeForbidden:
		return pick("Недостаточно прав для этого действия.", "You do not have permission to do this.")
	case protocol.CodeOriginRejected:
		return pick("Запрос отклонён: он пришёл со страницы другого сайта (заголовок Origin указывает на неразрешённый адрес).",
			"Request rejected: it came from a page of another site (the Origin header names an origin that is not allowed).")
	case protocol.CodeOriginMissing:
		return pick("Запрос отклонён: нет заголовка Origin. Отправляйте Origin с адресом, по которому открывается рабочее место оператора.",
			"Request rejected: the Origin header is missing. Send Origin with the address the desk is served from.")
	case protocol.CodeNotFound:
		return pick("Не найдено.", "Not found.")
	case protocol.CodeMethodNotAllowed:
		return pick("Метод не поддерживается.", "Method not allowed.")
	case protocol.CodeConflict:
		return pick("Действие сейчас невозможно: состояние изменилось.", "This cannot be done now: the state has changed.")
	case protocol.CodeUnavailable:
		return pick("Сервис временно недоступен. Повторите позже.", "The service is temporarily unavailable. Try again later.")
	case protocol.CodeTooManyAttempts:
		return pick("Слишком много неудачных попыток входа. Подождите несколько минут и попробуйте снова.",
			"Too many failed sign-in attempts. Wait a few minutes and try again.")
	case protocol.CodeTimeout:
		return pick("Сервер не ответил вовремя. Повторите.", "The server did not answer in time. Try again.")
	}
	return pick("Внутренняя ошибка сервера.", "Internal server error.")
}

// commandErrorMessage returns the message for a failed command: the reason's message when the
// code is "conflict" or "invalid_request" and the reason is known, otherwise the code's message.
func commandErrorMessage(code, reason, locale string) string {
	if (code == protocol.CodeConflict || code == protocol.CodeInvalidRequest) && reason != "" {
		if message := reasonMessage(reason, locale); message != "" {
			return message
		}
	}
	return userMessage(code, locale)
}

// reasonMessage returns the message for a conflict reason, or "" for an unknown reason.
func reasonMessage(reason, locale string) string {
	ru := locale == LocaleRussian
	pick := func(ruText, enText string) string {
		if ru {
			return ruText
		}
		return enText
	}

	switch reason {
	case protocol.ReasonNoSupervisorPhone:
		return pick("У вас нет своего телефона: попросите администратора указать его в профиле или войдите как оператор с телефоном.",
			"You have no phone of your own: ask an administrator to set one in your profile, or sign in as an agent at a phone.")
	case protocol.ReasonSupervisorOnCall:
		return pick("Ваш телефон занят звонком. Завершите его и попробуйте снова.",
			"Your phone is busy with a call. End it and try again.")
	case protocol.ReasonAgentNotTalking:
		return pick("Оператор сейчас не разговаривает.",
			"The agent is not talking on a call now.")
	case protocol.ReasonAlreadySupervising:
		return pick("Вы уже подключены к другому звонку. Сначала отключитесь от него.",
			"You are already connected to another call. Stop that first.")
	case protocol.ReasonNotSupervising:
		return pick("Вы не подключены ни к одному звонку.",
			"You are not connected to any call.")
	case protocol.ReasonCallAlreadyAnswered:
		return pick("Звонок уже принят — в другой вкладке или на телефоне.",
			"The call is already answered, in another tab or on the phone.")
	case protocol.ReasonCallNotRinging:
		return pick("Этот звонок больше не адресован вам: его принял другой оператор, время вызова истекло или клиент положил трубку.",
			"This call no longer rings for you: another agent took it, the ring timed out or the caller hung up.")
	case protocol.ReasonAnswerOnPhone:
		return pick("Ответить из браузера нельзя: снимите трубку телефона.",
			"The call cannot be answered from the browser: pick up your phone.")
	case protocol.ReasonNotOnCall:
		return pick("Вы не разговариваете по этому звонку.",
			"You are not talking on this call.")
	case protocol.ReasonTransferTargetUnavailable:
		return pick("Оператор, которому вы переводите звонок, сейчас недоступен: он разговаривает, на паузе или не в системе. Выберите другого оператора или очередь.",
			"The agent you transfer to is not available now: talking, paused or signed out. Choose another agent or a queue.")
	case protocol.ReasonTransferAgentUnknown:
		return pick("Такого оператора нет. Выберите оператора или очередь из списка.",
			"There is no such agent. Choose an agent or a queue from the list.")
	case protocol.ReasonTransferQueueUnknown:
		return pick("Такой очереди нет. Выберите очередь из списка.",
			"There is no such queue. Choose a queue from the list.")
	case protocol.ReasonQueueClosed:
		return pick("Очередь сейчас закрыта (нерабочее время). Переведите звонок в другую очередь или оператору.",
			"The queue is closed now (outside business hours). Transfer to another queue or an agent.")
	case protocol.ReasonAgentOnCall:
		return pick("Во время разговора статус сменить нельзя. Завершите звонок.",
			"You cannot change the status during a call. End the call first.")
	case protocol.ReasonAgentRinging:
		return pick("Вам поступает звонок: ответьте на него или выберите статус «Пауза».",
			"A call is ringing for you: answer it or pause.")
	case protocol.ReasonAgentSignedOut:
		return pick("Вы не в системе. Сначала выберите статус «Готов».",
			"You are signed out. Become available first.")
	case protocol.ReasonEndpointInUse:
		return pick("Этот телефон уже занят другим оператором. Укажите свой телефон.",
			"Another agent is signed in at this phone. Choose your own phone.")
	case protocol.ReasonNoPhone:
		return pick("Сначала укажите телефон, за которым вы сидите (например, PJSIP/1005), затем выберите «Готов».",
			"Enter the phone you sit at first (for example PJSIP/1005), then choose Available.")
	case protocol.ReasonInvalidEndpoint:
		return pick("Телефон указан неверно. Введите PJSIP/<номер> или SIP/<номер>, например PJSIP/1005: только латинские буквы, цифры, «-», «_» и «.».",
			"The phone is not valid. Enter PJSIP/<name> or SIP/<name>, for example PJSIP/1005, using only letters, digits, '-', '_' and '.'.")
	case protocol.ReasonDispositionWindowOver:
		return pick("Результат этого звонка сохранить уже нельзя: звонок закончился слишком давно или был не вашим.",
			"The outcome of this call can no longer be saved: the call ended too long ago or was not yours.")
	case protocol.ReasonCallInProgress:
		return pick("Звонок ещё идёт. Результат можно сохранить после его завершения.",
			"The call is still in progress. Save its outcome after it ends.")
	}
	return ""
}
