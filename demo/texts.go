package demo

// The disposition codes are the node's defaults that agents choose from (resolved, callback,
// sale, complaint, wrong_number) and a few finer ones (info_provided, ticket_created,
// quote_sent, not_interested). The desk shows all of them in the agent's language.

var supportDispositions = []disposition{
	{code: "resolved", weight: 50,
		notesRU: []string{"Подсказал, как сбросить пароль в личном кабинете.", "Уточнил статус доставки, заказ в пути.", "Объяснил условия гарантии, клиент доволен.", "Перенесли время доставки на завтра.", "Проблема решена по телефону."},
		notesEN: []string{"Explained how to reset the portal password.", "Confirmed the delivery date.", "Walked the caller through the warranty terms.", "Issue solved on the call."}},
	{code: "info_provided", weight: 20,
		notesRU: []string{"Консультация по тарифам.", "Сообщил режим работы склада.", "Выслал реквизиты на почту.", "Рассказал о сроках возврата."},
		notesEN: []string{"Gave opening hours of the warehouse.", "Sent bank details by e-mail.", "Explained the return policy."}},
	{code: "ticket_created", weight: 10, opensTicket: true,
		notesRU: []string{"Не работает интеграция с 1С, завели заявку.", "Повреждён товар при доставке, нужна замена.", "Ошибка в счёте, передал в бухгалтерию."},
		notesEN: []string{"Damaged item on delivery, replacement needed.", "Invoice shows the wrong amount, passed to accounts."}},
	{code: "callback", weight: 10,
		notesRU: []string{"Просит перезвонить после обеда.", "Перезвонить, когда будет ответ от склада.", "Клиент за рулём, просит перезвонить."},
		notesEN: []string{"Asked for a call back in the afternoon.", "Call back once the warehouse confirms."}},
	{code: "complaint", weight: 7, opensTicket: true,
		notesRU: []string{"Жалоба на курьера: опоздал на три часа.", "Недоволен качеством обслуживания в филиале."},
		notesEN: []string{"Complaint: courier was three hours late."}},
	{code: "wrong_number", weight: 3,
		notesRU: []string{"Ошиблись номером, искали другую компанию."},
		notesEN: []string{"Wrong number, they wanted another company."}},
}

var salesDispositions = []disposition{
	{code: "sale", weight: 30,
		notesRU: []string{"Оформили заказ, счёт отправлен.", "Продлили договор на год.", "Купил расширенный тариф."},
		notesEN: []string{"Order placed, invoice sent.", "Renewed the contract for a year."}},
	{code: "quote_sent", weight: 20,
		notesRU: []string{"Отправил коммерческое предложение.", "Запросили прайс на опт, выслал."},
		notesEN: []string{"Sent a quote for 50 units.", "Sent the price list."}},
	{code: "not_interested", weight: 15,
		notesRU: []string{"Не интересно, работают с другим поставщиком.", "Пока не актуально, вернуться через квартал."},
		notesEN: []string{"Not interested, happy with the current supplier."}},
	{code: "info_provided", weight: 10,
		notesRU: []string{"Рассказал об акции.", "Ответил на вопросы по доставке в регионы."},
		notesEN: []string{"Described the spring offer.", "Answered questions on shipping."}},
	{code: "callback", weight: 20,
		notesRU: []string{"Перезвонить после согласования с руководством.", "Просит перезвонить в пятницу."},
		notesEN: []string{"Call back after they talk to their manager."}},
	{code: "wrong_number", weight: 5,
		notesRU: []string{"Номер принадлежит другому человеку."},
		notesEN: []string{"The number belongs to someone else now."}},
}

type bilingual struct{ ru, en string }

var ticketSubjects = []bilingual{
	{"Повреждённый товар при доставке", "Item damaged in delivery"},
	{"Ошибка в счёте", "Wrong amount on the invoice"},
	{"Не работает личный кабинет", "Cannot log in to the customer portal"},
	{"Возврат денежных средств", "Refund request"},
	{"Задержка доставки", "Delivery delayed"},
	{"Замена по гарантии", "Warranty replacement"},
	{"Жалоба на работу курьера", "Complaint about the courier"},
	{"Неверные реквизиты в договоре", "Wrong details in the contract"},
}

var taskTitles = []string{
	"Отправить коммерческое предложение",
	"Подготовить акт сверки",
	"Уточнить реквизиты для договора",
	"Согласовать скидку с руководителем",
	"Send the signed contract",
	"Прислать счёт на предоплату",
	"Проверить статус рекламации",
}

var russianContactNotes = []string{
	"Предпочитает звонки после 14:00.",
	"Крупный клиент: скидки согласовывать с руководителем.",
	"Просит обращаться по имени и отчеству.",
	"Бухгалтерия работает до 17:00.",
	"Не звонить по выходным.",
}

var englishContactNotes = []string{
	"Prefers e-mail to calls.",
	"Based in London: call after 12:00 Moscow time.",
	"Speaks some Russian, but English is preferred.",
}
