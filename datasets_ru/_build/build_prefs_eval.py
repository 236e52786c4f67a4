#!/usr/bin/env python3
"""Build the bundled ``ru_en_parallel``, ``ru_en_mc`` and ``ru_prefs`` datasets of ruadapt.

Every question, answer, passage and distractor below was written for ruadapt by the project's
contributors (original text, CC0-1.0); nothing is copied or machine-translated from an existing
dataset. The script only composes these hand-written lists (computing the answers of a few
templated arithmetic problems, rotating multiple-choice options and padding the "verbose"
rejected answers with hand-written filler), then writes the JSON Lines files and their dataset
cards deterministically (no randomness, no clock):

    python datasets_ru/_build/build_prefs_eval.py

Outputs (relative to ``datasets_ru/``):

* ``ru_en_parallel/data.jsonl`` -- ``{"id", "category", "ru", "en", "ru_reference",
  "en_reference"}``: the same short-answer prompt in Russian and English (eval set)
* ``ru_en_mc/data.jsonl`` -- ``{"id", "category", "ru": {"question", "choices"}, "en": {...},
  "answer"}``: four-option multiple choice in both languages (eval set)
* ``ru_prefs/data.jsonl`` -- ``{"prompt", "chosen", "rejected", "category", "rejected_type"}``
  preference pairs (training set)
* ``README.md`` dataset cards in each of the three folders.

The script refuses to write empty or unstripped texts, a prompt twice within a set, a pair
whose answers are equal, or an eval prompt that equals (after normalisation) a training prompt
of ``ru_prefs``, ``ru_sft``, ``ru_kto`` or ``ru_prompts``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent  # datasets_ru/
SCRIPT = "datasets_ru/_build/build_prefs_eval.py"

# ---------------------------------------------------------------------------------------------
# ru-en-parallel: category -> [(ru prompt, en prompt, ru reference, en reference)]
# ---------------------------------------------------------------------------------------------

PARALLEL: dict[str, list[tuple[str, str, str, str]]] = {
    "facts": [
        (
            "Какая гора самая высокая на Земле? Ответь коротко.",
            "Which mountain is the highest on Earth? Answer briefly.",
            "Самая высокая гора на Земле — Эверест, около 8849 метров над уровнем моря.",
            "The highest mountain on Earth is Everest, about 8,849 metres above sea level.",
        ),
        (
            "Кто написал роман «Преступление и наказание»?",
            "Who wrote the novel Crime and Punishment?",
            "Роман «Преступление и наказание» написал Фёдор Достоевский; он вышел в 1866 году.",
            "Crime and Punishment was written by Fyodor Dostoevsky; it was published in 1866.",
        ),
        (
            "Сколько дней в високосном году?",
            "How many days are there in a leap year?",
            "В високосном году 366 дней: в феврале появляется 29-е число.",
            "A leap year has 366 days: February gets a 29th day.",
        ),
        (
            "Какой химический символ у золота?",
            "What is the chemical symbol for gold?",
            "Химический символ золота — Au, от латинского слова aurum.",
            "The chemical symbol for gold is Au, from the Latin word aurum.",
        ),
        (
            "Кто первым из людей ступил на Луну?",
            "Who was the first person to walk on the Moon?",
            "Первым на Луну ступил американский астронавт Нил Армстронг в июле 1969 года.",
            "The first person to walk on the Moon was the American astronaut Neil Armstrong, "
            "in July 1969.",
        ),
        (
            "Сколько струн у классической гитары?",
            "How many strings does a classical guitar have?",
            "У классической гитары шесть струн.",
            "A classical guitar has six strings.",
        ),
        (
            "Какой океан самый большой по площади?",
            "Which ocean is the largest by area?",
            "Самый большой по площади — Тихий океан; он занимает почти треть поверхности Земли.",
            "The largest ocean by area is the Pacific; it covers almost a third of the Earth's "
            "surface.",
        ),
        (
            "Кто написал музыку оперы «Евгений Онегин»?",
            "Who composed the opera Eugene Onegin?",
            "Оперу «Евгений Онегин» написал Пётр Чайковский по роману в стихах Пушкина.",
            "The opera Eugene Onegin was composed by Pyotr Tchaikovsky, based on Pushkin's "
            "novel in verse.",
        ),
        (
            "Сколько игроков одной команды находится на поле в футболе?",
            "How many players from one team are on the pitch in football (soccer)?",
            "В футболе на поле одновременно одиннадцать игроков каждой команды, включая вратаря.",
            "In football each team has eleven players on the pitch at a time, including the "
            "goalkeeper.",
        ),
        (
            "Какая валюта используется в Японии?",
            "What currency is used in Japan?",
            "В Японии используется иена.",
            "Japan uses the yen.",
        ),
        (
            "Из скольких клеток состоит шахматная доска?",
            "How many squares are there on a chessboard?",
            "Шахматная доска состоит из 64 клеток: восемь рядов по восемь.",
            "A chessboard has 64 squares: eight rows of eight.",
        ),
        (
            "Кто открыл периодический закон химических элементов?",
            "Who discovered the periodic law of the chemical elements?",
            "Периодический закон открыл Дмитрий Менделеев в 1869 году.",
            "The periodic law was discovered by Dmitri Mendeleev in 1869.",
        ),
        (
            "Сколько планет в Солнечной системе?",
            "How many planets are there in the Solar System?",
            "В Солнечной системе восемь планет; Плутон с 2006 года считается карликовой планетой.",
            "There are eight planets in the Solar System; since 2006 Pluto has been classed as "
            "a dwarf planet.",
        ),
        (
            "Какая птица самая крупная в мире?",
            "Which bird is the largest in the world?",
            "Самая крупная птица — африканский страус: он бывает выше 2,5 метра.",
            "The largest bird is the common ostrich, which can stand over 2.5 metres tall.",
        ),
        (
            "Кто написал картину «Мона Лиза»?",
            "Who painted the Mona Lisa?",
            "«Мону Лизу» написал Леонардо да Винчи в начале XVI века.",
            "The Mona Lisa was painted by Leonardo da Vinci in the early sixteenth century.",
        ),
        (
            "Какой металл при комнатной температуре жидкий?",
            "Which metal is liquid at room temperature?",
            "При комнатной температуре жидкий металл — ртуть.",
            "The metal that is liquid at room temperature is mercury.",
        ),
        (
            "Сколько клавиш у стандартного фортепиано?",
            "How many keys does a standard piano have?",
            "У стандартного фортепиано 88 клавиш: 52 белые и 36 чёрных.",
            "A standard piano has 88 keys: 52 white and 36 black.",
        ),
        (
            "Какое животное самое большое на Земле?",
            "What is the largest animal on Earth?",
            "Самое большое животное на Земле — синий кит; он бывает длиной до 30 метров.",
            "The largest animal on Earth is the blue whale, which can be up to 30 metres long.",
        ),
        (
            "Сколько часов в неделе?",
            "How many hours are there in a week?",
            "В неделе 168 часов: семь дней по 24 часа.",
            "A week has 168 hours: seven days of 24 hours.",
        ),
        (
            "Какой газ составляет большую часть атмосферы Земли?",
            "Which gas makes up most of the Earth's atmosphere?",
            "Большую часть атмосферы Земли, около 78 %, составляет азот.",
            "Most of the Earth's atmosphere, about 78%, is nitrogen.",
        ),
    ],
    "definitions": [
        (
            "Что такое фотосинтез? Объясни одним предложением.",
            "What is photosynthesis? Explain in one sentence.",
            "Фотосинтез — это процесс, при котором растения с помощью света превращают "
            "углекислый газ и воду в сахара и выделяют кислород.",
            "Photosynthesis is the process by which plants use light to turn carbon dioxide "
            "and water into sugars, releasing oxygen.",
        ),
        (
            "Что такое инфляция? Ответь одним предложением.",
            "What is inflation? Answer in one sentence.",
            "Инфляция — это устойчивый рост общего уровня цен, из-за которого на те же деньги "
            "можно купить меньше.",
            "Inflation is a sustained rise in the general price level, so the same money buys "
            "less.",
        ),
        (
            "Что такое алгоритм? Дай короткое определение.",
            "What is an algorithm? Give a short definition.",
            "Алгоритм — это точная последовательность шагов, которая приводит к решению задачи.",
            "An algorithm is a precise sequence of steps that leads to the solution of a problem.",
        ),
        (
            "Что такое метафора? Дай короткое определение и пример.",
            "What is a metaphor? Give a short definition and an example.",
            "Метафора — это перенос значения с одного предмета на другой по сходству, например "
            "«золотые руки».",
            "A metaphor is the transfer of meaning from one thing to another based on "
            "similarity, for example 'a heart of gold'.",
        ),
        (
            "Что такое демократия? Ответь кратко.",
            "What is democracy? Answer briefly.",
            "Демократия — это форма правления, при которой власть принадлежит народу и "
            "осуществляется через выборы и представителей.",
            "Democracy is a form of government in which power belongs to the people and is "
            "exercised through elections and representatives.",
        ),
        (
            "Что такое вирус в биологии? Объясни кратко.",
            "What is a virus in biology? Explain briefly.",
            "Вирус — это микроскопическая частица из генетического материала в белковой "
            "оболочке, которая размножается только внутри клеток других организмов.",
            "A virus is a microscopic particle of genetic material in a protein coat that can "
            "reproduce only inside the cells of other organisms.",
        ),
        (
            "Что такое гравитация? Объясни одним предложением.",
            "What is gravity? Explain in one sentence.",
            "Гравитация — это притяжение между всеми телами, у которых есть масса; именно она "
            "удерживает нас на Земле.",
            "Gravity is the attraction between all bodies that have mass; it is what keeps us "
            "on the Earth.",
        ),
        (
            "Что такое экосистема? Дай короткое определение.",
            "What is an ecosystem? Give a short definition.",
            "Экосистема — это сообщество живых организмов вместе с окружающей средой, связанных "
            "обменом веществ и энергии.",
            "An ecosystem is a community of living organisms together with their environment, "
            "linked by flows of matter and energy.",
        ),
        (
            "Что такое палиндром? Приведи пример.",
            "What is a palindrome? Give an example.",
            "Палиндром — это слово или фраза, которые одинаково читаются слева направо и справа "
            "налево, например «шалаш».",
            "A palindrome is a word or phrase that reads the same forwards and backwards, for "
            "example 'level'.",
        ),
        (
            "Что такое вакцина? Ответь кратко.",
            "What is a vaccine? Answer briefly.",
            "Вакцина — это препарат, который учит иммунную систему распознавать возбудителя "
            "болезни, не вызывая саму болезнь.",
            "A vaccine is a preparation that teaches the immune system to recognise a pathogen "
            "without causing the disease itself.",
        ),
        (
            "Что такое атом? Дай короткое определение.",
            "What is an atom? Give a short definition.",
            "Атом — это мельчайшая частица химического элемента, состоящая из ядра и электронов "
            "вокруг него.",
            "An atom is the smallest particle of a chemical element, made of a nucleus with "
            "electrons around it.",
        ),
        (
            "Что такое биография? Ответь одним предложением.",
            "What is a biography? Answer in one sentence.",
            "Биография — это описание жизни человека, составленное другим автором.",
            "A biography is an account of a person's life written by someone else.",
        ),
        (
            "Что такое климат? Дай короткое определение.",
            "What is climate? Give a short definition.",
            "Климат — это многолетний режим погоды, характерный для определённой местности.",
            "Climate is the long-term pattern of weather typical of a particular place.",
        ),
        (
            "Что такое монополия в экономике? Ответь кратко.",
            "What is a monopoly in economics? Answer briefly.",
            "Монополия — это положение на рынке, когда товар или услугу предлагает только одна "
            "компания.",
            "A monopoly is a market situation in which only one company offers a product or "
            "service.",
        ),
        (
            "Что такое иммунитет? Объясни одним предложением.",
            "What is immunity? Explain in one sentence.",
            "Иммунитет — это способность организма защищаться от инфекций и чужеродных веществ.",
            "Immunity is the body's ability to protect itself from infections and foreign "
            "substances.",
        ),
        (
            "Что такое синонимы? Приведи пример.",
            "What are synonyms? Give an example.",
            "Синонимы — это слова с одинаковым или близким значением, например «большой» и "
            "«огромный».",
            "Synonyms are words with the same or a similar meaning, for example 'big' and 'large'.",
        ),
        (
            "Что такое браузер? Ответь одним предложением.",
            "What is a web browser? Answer in one sentence.",
            "Браузер — это программа для просмотра веб-страниц в интернете.",
            "A web browser is a program for viewing web pages on the internet.",
        ),
        (
            "Что такое эволюция в биологии? Объясни кратко.",
            "What is evolution in biology? Explain briefly.",
            "Эволюция — это постепенное изменение живых организмов из поколения в поколение под "
            "действием естественного отбора и других факторов.",
            "Evolution is the gradual change of living organisms over generations, driven by "
            "natural selection and other factors.",
        ),
        (
            "Что такое бюджет? Дай короткое определение.",
            "What is a budget? Give a short definition.",
            "Бюджет — это план доходов и расходов на определённый период.",
            "A budget is a plan of income and spending for a given period.",
        ),
        (
            "Что такое резюме при поиске работы? Ответь кратко.",
            "What is a CV when looking for a job? Answer briefly.",
            "Резюме — это краткий документ об образовании, опыте и навыках кандидата, который "
            "отправляют работодателю.",
            "A CV is a short document describing a candidate's education, experience and "
            "skills, sent to an employer.",
        ),
    ],
    "how-to": [
        (
            "Как сварить яйцо всмятку? Ответь в двух предложениях.",
            "How do you soft-boil an egg? Answer in two sentences.",
            "Опустите яйцо в кипящую воду и варите 3–4 минуты, затем переложите в холодную "
            "воду. Белок схватится, а желток останется жидким.",
            "Lower the egg into boiling water, cook it for 3–4 minutes, then move it to cold "
            "water. The white will set while the yolk stays runny.",
        ),
        (
            "Как быстро охладить напиток без холодильника? Ответь кратко.",
            "How can you quickly cool a drink without a fridge? Answer briefly.",
            "Опустите бутылку в воду со льдом и солью или оберните её мокрой тканью и поставьте "
            "на сквозняк. Солёный лёд и испарение заметно ускоряют охлаждение.",
            "Put the bottle in water with ice and salt, or wrap it in a wet cloth and leave it "
            "in a draught. Salted ice and evaporation speed up cooling noticeably.",
        ),
        (
            "Как сделать резервную копию важных файлов? Ответь кратко.",
            "How should you back up important files? Answer briefly.",
            "Скопируйте файлы на внешний диск и в облачное хранилище, чтобы копии хранились в "
            "двух разных местах. Делайте это регулярно, лучше по расписанию.",
            "Copy the files to an external drive and to cloud storage so that the copies are "
            "kept in two different places. Do it regularly, preferably on a schedule.",
        ),
        (
            "Как посадить семена базилика дома? Ответь кратко.",
            "How do you plant basil seeds at home? Answer briefly.",
            "Посейте семена на глубину около полусантиметра во влажный грунт, накройте плёнкой "
            "и поставьте в тёплое светлое место. Всходы появятся примерно через неделю.",
            "Sow the seeds about half a centimetre deep in moist soil, cover with film and put "
            "them in a warm, bright place. Seedlings appear in about a week.",
        ),
        (
            "Как правильно мыть руки? Ответь в двух предложениях.",
            "How should you wash your hands properly? Answer in two sentences.",
            "Намочите руки, намыльте их и трите не меньше 20 секунд, не забывая пальцы, ногти и "
            "тыльную сторону ладоней. Затем смойте мыло и вытрите руки чистым полотенцем.",
            "Wet your hands, lather them and rub for at least 20 seconds, including the fingers, "
            "nails and backs of the hands. Then rinse off the soap and dry them with a clean "
            "towel.",
        ),
        (
            "Как вывести свежее пятно от кофе с хлопковой футболки? Ответь кратко.",
            "How do you remove a fresh coffee stain from a cotton T-shirt? Answer briefly.",
            "Сразу промойте пятно холодной водой с изнанки, нанесите немного жидкого мыла и "
            "потрите. Затем постирайте вещь как обычно.",
            "Rinse the stain straight away with cold water from the back, apply a little liquid "
            "soap and rub. Then wash the garment as usual.",
        ),
        (
            "Как измерить пульс без приборов? Ответь кратко.",
            "How can you take your pulse without any devices? Answer briefly.",
            "Положите два пальца на запястье со стороны большого пальца или сбоку на шею и "
            "посчитайте удары за 15 секунд. Умножьте результат на четыре.",
            "Place two fingers on your wrist below the thumb or on the side of your neck and "
            "count the beats for 15 seconds. Multiply the result by four.",
        ),
        (
            "Как заварить чёрный чай? Ответь в двух предложениях.",
            "How do you brew black tea? Answer in two sentences.",
            "Залейте чайную ложку листового чая стаканом только что вскипевшей воды и дайте "
            "настояться 3–5 минут. Затем процедите.",
            "Pour a cup of freshly boiled water over a teaspoon of loose-leaf tea and let it "
            "steep for 3–5 minutes. Then strain it.",
        ),
        (
            "Как лучше запоминать новые иностранные слова? Ответь кратко.",
            "What is a good way to memorise new foreign words? Answer briefly.",
            "Повторяйте слова с растущими интервалами: через день, через три дня, через неделю. "
            "Учите их во фразах и сразу используйте в речи.",
            "Review the words at growing intervals: after a day, after three days, after a week. "
            "Learn them in phrases and use them in speech right away.",
        ),
        (
            "Как безопасно заменить лампочку? Ответь кратко.",
            "How do you change a light bulb safely? Answer briefly.",
            "Выключите свет и дайте лампе остыть, затем выкрутите её и вкрутите новую подходящей "
            "мощности. Не трогайте патрон мокрыми руками.",
            "Switch off the light and let the bulb cool, then unscrew it and screw in a new one "
            "of a suitable wattage. Do not touch the socket with wet hands.",
        ),
        (
            "Как пришить пуговицу? Ответь кратко.",
            "How do you sew on a button? Answer briefly.",
            "Вденьте нитку в иглу, завяжите узел и сделайте несколько стежков через отверстия "
            "пуговицы. Затем обмотайте нитку под пуговицей и закрепите узлом с изнанки.",
            "Thread the needle, tie a knot and make several stitches through the holes of the "
            "button. Then wind the thread under the button and secure it with a knot on the "
            "inside.",
        ),
        (
            "Как накачать велосипедную шину? Ответь кратко.",
            "How do you pump up a bicycle tyre? Answer briefly.",
            "Найдите нужное давление на боковине шины, подсоедините насос к ниппелю и качайте до "
            "этого значения. Затем плотно закрутите колпачок.",
            "Find the recommended pressure on the side of the tyre, attach the pump to the valve "
            "and pump up to that value. Then screw the cap back on firmly.",
        ),
        (
            "Как приготовить простой омлет? Ответь в двух предложениях.",
            "How do you make a simple omelette? Answer in two sentences.",
            "Взбейте два яйца с щепоткой соли и ложкой молока и вылейте на разогретую смазанную "
            "маслом сковороду. Жарьте на среднем огне под крышкой 3–4 минуты.",
            "Whisk two eggs with a pinch of salt and a spoonful of milk and pour them into a hot "
            "greased pan. Cook over medium heat under a lid for 3–4 minutes.",
        ),
        (
            "Как вести список дел, чтобы он работал? Ответь кратко.",
            "How should you keep a to-do list so that it actually works? Answer briefly.",
            "Записывайте задачи конкретно и коротко, ставьте сроки и выбирайте на день не больше "
            "трёх главных. Выполненное сразу вычёркивайте.",
            "Write tasks down concretely and briefly, set deadlines and pick no more than three "
            "main ones per day. Cross out what is done right away.",
        ),
        (
            "Как проверить, свежее ли яйцо? Ответь одним предложением.",
            "How can you check whether an egg is fresh? Answer in one sentence.",
            "Опустите яйцо в стакан холодной воды: свежее ляжет на дно, а несвежее всплывёт.",
            "Put the egg in a glass of cold water: a fresh one lies on the bottom, a stale one "
            "floats.",
        ),
        (
            "Как подготовиться к публичному выступлению? Ответь кратко.",
            "How should you prepare for a public talk? Answer briefly.",
            "Составьте короткий план, несколько раз отрепетируйте речь вслух и засеките время. "
            "Перед выходом сделайте несколько медленных вдохов.",
            "Make a short outline, rehearse the talk out loud several times and time it. Before "
            "going on, take a few slow breaths.",
        ),
        (
            "Как безопасно разморозить мясо? Ответь кратко.",
            "How do you thaw meat safely? Answer briefly.",
            "Лучше всего разморозить мясо в холодильнике за ночь. Если нужно быстрее, положите "
            "его в герметичном пакете в холодную воду и меняйте воду каждые полчаса.",
            "The best way is to thaw meat in the fridge overnight. If you need it faster, put it "
            "in a sealed bag in cold water and change the water every half hour.",
        ),
        (
            "Как придумать надёжный пароль? Ответь кратко.",
            "How do you come up with a strong password? Answer briefly.",
            "Возьмите длинную фразу из нескольких случайных слов, не связанных с вами, и "
            "добавьте цифры или символы. Для каждого сайта нужен свой пароль.",
            "Use a long phrase of several random words unrelated to you and add digits or "
            "symbols. Every site needs its own password.",
        ),
        (
            "Как поливать комнатные растения, пока вы в отпуске? Ответь кратко.",
            "How can you water house plants while you are on holiday? Answer briefly.",
            "Поставьте горшки в поддон с мокрым керамзитом или проведите в землю фитиль из "
            "ёмкости с водой. На неделю этого обычно хватает.",
            "Stand the pots on a tray of wet clay pebbles or run a wick into the soil from a "
            "container of water. This usually lasts a week.",
        ),
        (
            "Как остановить кровь из небольшого пореза? Ответь кратко.",
            "How do you stop a small cut from bleeding? Answer briefly.",
            "Промойте порез чистой водой и плотно прижмите к нему чистую ткань или бинт на "
            "несколько минут. Затем наклейте пластырь.",
            "Rinse the cut with clean water and press a clean cloth or bandage firmly on it for "
            "a few minutes. Then put on a plaster.",
        ),
    ],
    "reasoning": [
        (
            "Если все кошки — животные, а Мурка — кошка, то животное ли Мурка? Ответь и кратко "
            "объясни.",
            "If all cats are animals and Murka is a cat, is Murka an animal? Answer and explain "
            "briefly.",
            "Да, Мурка — животное: она кошка, а все кошки — животные.",
            "Yes, Murka is an animal: she is a cat, and all cats are animals.",
        ),
        (
            "Аня выше Бориса, а Борис выше Вики. Кто из них самый низкий?",
            "Anya is taller than Boris, and Boris is taller than Vika. Who is the shortest?",
            "Самая низкая — Вика: она ниже Бориса, а Борис ниже Ани.",
            "Vika is the shortest: she is shorter than Boris, who is shorter than Anya.",
        ),
        (
            "Сегодня четверг. Какой день недели был пять дней назад?",
            "Today is Thursday. What day of the week was it five days ago?",
            "Пять дней назад была суббота.",
            "Five days ago it was Saturday.",
        ),
        (
            "В комнате горели пять свечей, две из них задули. Сколько свечей останется, когда "
            "остальные догорят?",
            "Five candles were burning in a room, and two were blown out. How many candles will "
            "be left once the others burn down?",
            "Останутся две свечи — те, которые задули; остальные три сгорят полностью.",
            "Two candles will be left — the ones that were blown out; the other three burn away "
            "completely.",
        ),
        (
            "Что остынет быстрее: полная кастрюля кипятка или чашка кипятка?",
            "Which cools down faster: a full pot of boiling water or a cup of boiling water?",
            "Быстрее остынет чашка: воды в ней меньше, а поверхность велика по сравнению с "
            "объёмом.",
            "The cup cools faster: it holds less water and has a large surface relative to its "
            "volume.",
        ),
        (
            "У отца Маши четыре дочери: Вера, Надя, Люба и ещё одна. Как зовут четвёртую?",
            "Masha's father has four daughters: Vera, Nadya, Lyuba and one more. What is the "
            "fourth one called?",
            "Четвёртую дочь зовут Маша — это сказано в самом вопросе.",
            "The fourth daughter is Masha — the question itself says so.",
        ),
        (
            "Поезд отправился в 14:40 и был в пути 2 часа 35 минут. Во сколько он прибыл?",
            "A train left at 14:40 and travelled for 2 hours 35 minutes. When did it arrive?",
            "Поезд прибыл в 17:15.",
            "The train arrived at 17:15.",
        ),
        (
            "Некоторые птицы не умеют летать, а пингвин — птица. Следует ли из этого, что "
            "пингвин не умеет летать?",
            "Some birds cannot fly, and a penguin is a bird. Does it follow that the penguin "
            "cannot fly?",
            "Нет, из этих посылок это не следует: «некоторые» не значит «все». Пингвин "
            "действительно не летает, но это известно не из данного рассуждения.",
            "No, it does not follow from these premises: 'some' does not mean 'all'. Penguins "
            "indeed cannot fly, but we do not know that from this argument.",
        ),
        (
            "Какое число следующее в ряду 2, 4, 8, 16?",
            "What comes next in the sequence 2, 4, 8, 16?",
            "Следующее число — 32: каждое число вдвое больше предыдущего.",
            "The next number is 32: each number is double the previous one.",
        ),
        (
            "Какое число следующее в ряду 1, 4, 9, 16, 25?",
            "What comes next in the sequence 1, 4, 9, 16, 25?",
            "Следующее число — 36: это квадраты натуральных чисел.",
            "The next number is 36: these are the squares of the natural numbers.",
        ),
        (
            "Сколько распилов нужно сделать, чтобы разделить бревно на пять частей?",
            "How many cuts are needed to divide a log into five pieces?",
            "Нужно четыре распила: каждый распил добавляет одну часть.",
            "Four cuts are needed: each cut adds one piece.",
        ),
        (
            "Лифт поднимается с 1-го на 3-й этаж за 10 секунд. Сколько времени займёт подъём с "
            "1-го на 9-й этаж?",
            "A lift goes up from floor 1 to floor 3 in 10 seconds. How long does it take to go "
            "from floor 1 to floor 9?",
            "40 секунд: с 1-го на 3-й — два пролёта по 5 секунд, а до 9-го — восемь пролётов.",
            "40 seconds: floor 1 to floor 3 is two flights of 5 seconds, and floor 1 to floor 9 "
            "is eight flights.",
        ),
        (
            "Если вчера было воскресенье, какой день будет послезавтра?",
            "If yesterday was Sunday, what day will it be the day after tomorrow?",
            "Послезавтра будет среда: сегодня понедельник.",
            "The day after tomorrow will be Wednesday: today is Monday.",
        ),
        (
            "Все розы — цветы. Некоторые цветы быстро вянут. Можно ли утверждать, что некоторые "
            "розы быстро вянут?",
            "All roses are flowers. Some flowers fade quickly. Can we conclude that some roses "
            "fade quickly?",
            "Нет, нельзя: быстро вянущие цветы могут вообще не быть розами.",
            "No: the flowers that fade quickly might not be roses at all.",
        ),
        (
            "У Пети больше яблок, чем у Коли, а у Коли столько же, сколько у Димы. У кого яблок "
            "меньше: у Пети или у Димы?",
            "Petya has more apples than Kolya, and Kolya has as many as Dima. Who has fewer "
            "apples: Petya or Dima?",
            "Меньше у Димы: у него столько же, сколько у Коли, а у Коли меньше, чем у Пети.",
            "Dima has fewer: he has as many as Kolya, and Kolya has fewer than Petya.",
        ),
        (
            "Часы показывают ровно 3:00. Какой угол между часовой и минутной стрелками?",
            "A clock shows exactly 3:00. What is the angle between the hour and minute hands?",
            "Угол равен 90 градусам: стрелки указывают на 12 и на 3.",
            "The angle is 90 degrees: the hands point at 12 and at 3.",
        ),
        (
            "В шкафу 3 коробки, в каждой 4 мешочка, а в каждом мешочке 2 шарика. Сколько всего "
            "шариков?",
            "A cupboard holds 3 boxes, each box has 4 bags, and each bag has 2 balls. How many "
            "balls are there in total?",
            "Всего 24 шарика: 3 × 4 × 2 = 24.",
            "There are 24 balls in total: 3 × 4 × 2 = 24.",
        ),
        (
            "Отцу и сыну вместе 50 лет, отец старше сына на 30 лет. Сколько лет сыну?",
            "A father and his son are 50 years old together, and the father is 30 years older. "
            "How old is the son?",
            "Сыну 10 лет, а отцу 40: вместе 50, разница 30.",
            "The son is 10 and the father is 40: together 50, a difference of 30.",
        ),
        (
            "Среди пяти одинаковых на вид монет одна фальшивая и легче остальных. Сколько "
            "взвешиваний на чашечных весах без гирь нужно, чтобы наверняка её найти?",
            "Among five identical-looking coins one is fake and lighter than the rest. How many "
            "weighings on a balance without weights are needed to find it for certain?",
            "Хватит двух: сначала две монеты против двух (при равновесии фальшивая — пятая), "
            "затем две монеты из более лёгкой чаши друг против друга.",
            "Two are enough: first two coins against two (if they balance, the fifth is fake), "
            "then the two coins from the lighter pan against each other.",
        ),
        (
            "Первое число месяца — понедельник. Какой день недели будет 29-го?",
            "The first day of a month is a Monday. What day of the week is the 29th?",
            "29-е тоже понедельник: между ними ровно четыре недели.",
            "The 29th is also a Monday: they are exactly four weeks apart.",
        ),
    ],
    "math": [
        (
            "Сколько будет 15 % от 240?",
            "What is 15% of 240?",
            "15 % от 240 — это 36.",
            "15% of 240 is 36.",
        ),
        (
            "В книге 250 страниц, Маша прочитала 3/5 книги. Сколько страниц ей осталось?",
            "A book has 250 pages and Masha has read 3/5 of it. How many pages are left?",
            "Осталось 100 страниц: прочитано 150 из 250.",
            "100 pages are left: she has read 150 of 250.",
        ),
        (
            "Сумма двух чисел равна 30, а их разность — 8. Найди эти числа.",
            "The sum of two numbers is 30 and their difference is 8. Find the numbers.",
            "Это числа 19 и 11.",
            "The numbers are 19 and 11.",
        ),
        (
            "Найди среднее арифметическое чисел 4, 8, 15 и 21.",
            "Find the arithmetic mean of 4, 8, 15 and 21.",
            "Среднее арифметическое равно 12: сумма 48 делится на 4.",
            "The mean is 12: the sum 48 divided by 4.",
        ),
        (
            "Одна труба наполняет бассейн за 6 часов, другая — за 3 часа. За сколько часов его "
            "наполнят обе трубы вместе?",
            "One pipe fills a pool in 6 hours and another in 3 hours. How many hours do both "
            "pipes together take?",
            "Вместе они наполнят бассейн за 2 часа: за час заполняется 1/6 + 1/3 = 1/2 бассейна.",
            "Together they fill the pool in 2 hours: each hour 1/6 + 1/3 = 1/2 of the pool is "
            "filled.",
        ),
        (
            "Сколько минут в трёх с половиной часах?",
            "How many minutes are there in three and a half hours?",
            "В трёх с половиной часах 210 минут.",
            "Three and a half hours is 210 minutes.",
        ),
        (
            "Цена товара снизилась с 500 до 400 рублей. На сколько процентов она упала?",
            "A product's price fell from 500 to 400 roubles. By what percentage did it fall?",
            "Цена упала на 20 %: 100 рублей — это пятая часть от 500.",
            "The price fell by 20%: 100 roubles is a fifth of 500.",
        ),
        (
            "Реши уравнение 5x − 9 = 26.",
            "Solve the equation 5x − 9 = 26.",
            "x = 7, потому что 5 · 7 − 9 = 26.",
            "x = 7, because 5 · 7 − 9 = 26.",
        ),
        (
            "Периметр квадрата 36 см. Найди его площадь.",
            "The perimeter of a square is 36 cm. Find its area.",
            "Сторона квадрата 9 см, значит площадь 81 см².",
            "The side is 9 cm, so the area is 81 cm².",
        ),
        (
            "В классе 12 мальчиков и 18 девочек. Какую долю класса составляют девочки?",
            "A class has 12 boys and 18 girls. What fraction of the class are girls?",
            "Девочки составляют 3/5 класса, то есть 60 %.",
            "Girls make up 3/5 of the class, that is 60%.",
        ),
    ],
    "summarise": [
        (
            "Перескажи одним коротким предложением: «Утром в городе выпал первый снег. Дороги "
            "стали скользкими, и на нескольких перекрёстках образовались пробки. Коммунальные "
            "службы вывели на улицы снегоуборочную технику.»",
            "Summarise in one short sentence: 'The first snow fell in the city in the morning. "
            "The roads became slippery, and traffic jams formed at several junctions. The city "
            "services sent snow-clearing vehicles onto the streets.'",
            "Первый снег сделал дороги скользкими и вызвал пробки, и город начал уборку.",
            "The first snow made the roads slippery and caused jams, so the city began clearing "
            "it.",
        ),
        (
            "Перескажи одним коротким предложением: «Районная библиотека переехала в новое "
            "здание. Теперь в ней есть читальный зал, детская комната и бесплатный интернет. "
            "Записаться можно по паспорту.»",
            "Summarise in one short sentence: 'The district library has moved to a new "
            "building. It now has a reading room, a children's room and free internet. You can "
            "sign up with your passport.'",
            "Районная библиотека переехала в новое здание с читальным залом, детской комнатой и "
            "бесплатным интернетом.",
            "The district library has moved to a new building with a reading room, a children's "
            "room and free internet.",
        ),
        (
            "Перескажи одним коротким предложением: «Учёные три года наблюдали за стаей волков. "
            "Оказалось, что зимой волки охотятся успешнее, потому что глубокий снег мешает "
            "оленям убегать.»",
            "Summarise in one short sentence: 'Scientists observed a wolf pack for three years. "
            "It turned out that wolves hunt more successfully in winter, because deep snow "
            "keeps deer from running away.'",
            "Зимой волки охотятся успешнее, потому что снег мешает оленям убегать.",
            "Wolves hunt more successfully in winter because snow keeps deer from escaping.",
        ),
        (
            "Перескажи одним коротким предложением: «Анна долго откладывала визит к зубному "
            "врачу. Когда зуб наконец заболел, лечение оказалось дольше и дороже, чем могло "
            "бы быть.»",
            "Summarise in one short sentence: 'Anna put off going to the dentist for a long "
            "time. When the tooth finally began to hurt, the treatment turned out longer and "
            "more expensive than it could have been.'",
            "Анна откладывала визит к стоматологу, и лечение стало дольше и дороже.",
            "Anna put off seeing the dentist, so the treatment became longer and more expensive.",
        ),
        (
            "Перескажи одним коротким предложением: «Фермер посадил на одном поле кукурузу, а "
            "на соседнем — фасоль. К осени кукуруза из-за засухи выросла плохо, а фасоль дала "
            "хороший урожай.»",
            "Summarise in one short sentence: 'A farmer planted maize in one field and beans in "
            "the next. By autumn the maize had grown poorly because of drought, while the beans "
            "gave a good harvest.'",
            "Из-за засухи кукуруза у фермера не удалась, а фасоль уродилась хорошо.",
            "Because of drought the farmer's maize failed, but the beans did well.",
        ),
        (
            "Перескажи одним коротким предложением: «Компания на полгода перевела сотрудников на "
            "четырёхдневную рабочую неделю. За это время больничных стало меньше, а объём "
            "выполненной работы почти не изменился.»",
            "Summarise in one short sentence: 'A company moved its staff to a four-day working "
            "week for six months. During that time sick leave fell, while the amount of work "
            "done hardly changed.'",
            "Четырёхдневная неделя уменьшила число больничных, не снизив объём работы.",
            "The four-day week reduced sick leave without reducing the work done.",
        ),
        (
            "Перескажи одним коротким предложением: «В субботу в парке прошёл забег на пять "
            "километров. В нём участвовало почти тысяча человек, а собранные взносы передали "
            "детской больнице.»",
            "Summarise in one short sentence: 'On Saturday a five-kilometre run was held in the "
            "park. Almost a thousand people took part, and the entry fees were given to a "
            "children's hospital.'",
            "Благотворительный забег в парке собрал почти тысячу участников в пользу детской "
            "больницы.",
            "A charity run in the park drew almost a thousand people in aid of a children's "
            "hospital.",
        ),
        (
            "Перескажи одним коротким предложением: «Мост через реку закрыли на ремонт до конца "
            "лета. Автобусы пустили в объезд через соседний район, поэтому дорога до центра "
            "занимает на двадцать минут больше.»",
            "Summarise in one short sentence: 'The bridge over the river has been closed for "
            "repairs until the end of summer. Buses are diverted through the neighbouring "
            "district, so the trip to the centre takes twenty minutes longer.'",
            "Из-за ремонта моста автобусы идут в объезд, и дорога до центра стала на 20 минут "
            "дольше.",
            "Because of bridge repairs buses take a detour, making the trip to the centre 20 "
            "minutes longer.",
        ),
        (
            "Перескажи одним коротким предложением: «После переезда кот Барсик три дня не "
            "выходил из-под дивана. На четвёртый день он осторожно обошёл новую квартиру и "
            "уснул на подоконнике.»",
            "Summarise in one short sentence: 'After the move, Barsik the cat did not come out "
            "from under the sofa for three days. On the fourth day he carefully explored the new "
            "flat and fell asleep on the windowsill.'",
            "После переезда кот три дня прятался, а потом освоился в новой квартире.",
            "After the move the cat hid for three days and then settled into the new flat.",
        ),
        (
            "Перескажи одним коротким предложением: «В школе ввели правило: телефоны сдают в "
            "начале уроков и получают после. Учителя отмечают, что ученики стали внимательнее, "
            "хотя некоторые родители недовольны.»",
            "Summarise in one short sentence: 'A school introduced a rule: phones are handed in "
            "at the start of lessons and returned afterwards. Teachers say pupils have become "
            "more attentive, although some parents are unhappy.'",
            "Запрет телефонов на уроках сделал учеников внимательнее, но понравился не всем "
            "родителям.",
            "Banning phones in lessons made pupils more attentive, though not all parents like it.",
        ),
        (
            "Перескажи одним коротким предложением: «Ночью прошла сильная гроза. В нескольких "
            "домах отключилось электричество, а ветер повалил старое дерево у школы. К утру свет "
            "дали, а дерево распилили.»",
            "Summarise in one short sentence: 'A heavy thunderstorm passed in the night. Several "
            "houses lost power, and the wind knocked down an old tree by the school. By morning "
            "the power was back and the tree had been sawn up.'",
            "Ночная гроза оставила дома без света и повалила дерево, но к утру последствия "
            "устранили.",
            "A night storm cut power and felled a tree, but everything was fixed by morning.",
        ),
        (
            "Перескажи одним коротким предложением: «Новый сорт яблок выводили пятнадцать лет. "
            "Он устойчив к морозам и болезням и хорошо хранится до весны.»",
            "Summarise in one short sentence: 'A new apple variety was bred over fifteen years. "
            "It is resistant to frost and disease and keeps well until spring.'",
            "За пятнадцать лет вывели морозостойкий и устойчивый к болезням сорт яблок, который "
            "хранится до весны.",
            "Over fifteen years breeders created a frost- and disease-resistant apple that "
            "keeps until spring.",
        ),
        (
            "Перескажи одним коротким предложением: «Пётр решил учить испанский по пятнадцать "
            "минут в день. Через год он смог свободно поговорить с продавцом на рынке в "
            "Мадриде.»",
            "Summarise in one short sentence: 'Pyotr decided to study Spanish for fifteen "
            "minutes a day. A year later he could chat freely with a stallholder at a market in "
            "Madrid.'",
            "Ежедневные короткие занятия за год позволили Петру заговорить по-испански.",
            "Short daily lessons let Pyotr speak Spanish within a year.",
        ),
        (
            "Перескажи одним коротким предложением: «Музей продлил выставку импрессионистов ещё "
            "на месяц. За первые два месяца её посетили более ста тысяч человек.»",
            "Summarise in one short sentence: 'The museum extended its Impressionist exhibition "
            "by another month. More than a hundred thousand people visited it in the first two "
            "months.'",
            "Из-за большого интереса выставку импрессионистов продлили на месяц.",
            "Because of great interest the Impressionist exhibition was extended by a month.",
        ),
        (
            "Перескажи одним коротким предложением: «В горах туристы сбились с тропы из-за "
            "тумана. Они не стали идти дальше, позвонили спасателям и дождались их у приметной "
            "скалы.»",
            "Summarise in one short sentence: 'In the mountains, hikers lost the trail because "
            "of fog. They did not go on, called the rescue service and waited for it by a "
            "distinctive rock.'",
            "Заблудившиеся в тумане туристы остались на месте и дождались спасателей.",
            "Hikers lost in the fog stayed where they were and waited for the rescuers.",
        ),
        (
            "Перескажи одним коротким предложением: «Кафе на углу стало давать скидку "
            "посетителям со своими кружками. За месяц одноразовых стаканчиков стало уходить "
            "вдвое меньше.»",
            "Summarise in one short sentence: 'The café on the corner began giving a discount "
            "to customers who bring their own mugs. In a month it used half as many disposable "
            "cups.'",
            "Скидка за свою кружку вдвое сократила расход одноразовых стаканчиков в кафе.",
            "A discount for bringing your own mug halved the café's use of disposable cups.",
        ),
        (
            "Перескажи одним коротким предложением: «Соседи собрали деньги и поставили во дворе "
            "детскую площадку. Работы заняли два выходных, а открытие отметили общим "
            "чаепитием.»",
            "Summarise in one short sentence: 'The neighbours raised money and built a "
            "playground in the courtyard. The work took two weekends, and they celebrated the "
            "opening with a shared tea party.'",
            "Соседи своими силами за два выходных построили во дворе детскую площадку.",
            "The neighbours built a playground in their courtyard themselves over two weekends.",
        ),
        (
            "Перескажи одним коротким предложением: «Исследование показало, что люди, которые "
            "спят меньше шести часов, чаще простужаются. Учёные считают, что недосып ослабляет "
            "иммунитет.»",
            "Summarise in one short sentence: 'A study showed that people who sleep less than "
            "six hours catch colds more often. Scientists believe lack of sleep weakens "
            "immunity.'",
            "По данным исследования, недосып ослабляет иммунитет и повышает риск простуды.",
            "According to the study, lack of sleep weakens immunity and raises the risk of colds.",
        ),
        (
            "Перескажи одним коротким предложением: «Из-за поздних заморозков клубника в этом "
            "году созрела на две недели позже. Цены на рынке пока выше обычных, но фермеры "
            "ждут, что они скоро снизятся.»",
            "Summarise in one short sentence: 'Because of late frosts, strawberries ripened two "
            "weeks later this year. Market prices are higher than usual for now, but farmers "
            "expect them to fall soon.'",
            "Поздние заморозки задержали клубнику на две недели, поэтому она пока дороже обычного.",
            "Late frosts delayed strawberries by two weeks, so they cost more than usual for now.",
        ),
        (
            "Перескажи одним коротким предложением: «Город заменил старые уличные фонари на "
            "светодиодные. Улицы стали светлее, а расходы на электричество снизились почти на "
            "треть.»",
            "Summarise in one short sentence: 'The city replaced its old street lights with LED "
            "ones. The streets became brighter, and electricity costs fell by almost a third.'",
            "Светодиодные фонари сделали улицы светлее и сократили расходы на электричество "
            "почти на треть.",
            "LED street lights made the streets brighter and cut electricity costs by almost a "
            "third.",
        ),
    ],
    "advice": [
        (
            "Как перестать опаздывать? Дай короткий совет.",
            "How can I stop being late? Give a short piece of advice.",
            "Планируйте выход с запасом в 10–15 минут и собирайте вещи с вечера. Считайте время от "
            "момента выхода, а не от начала сборов.",
            "Plan to leave with a 10–15 minute margin and pack your things the evening before. "
            "Count back from when you must leave, not from when you start getting ready.",
        ),
        (
            "Что делать, если ночью не получается уснуть? Ответь кратко.",
            "What should I do if I cannot fall asleep at night? Answer briefly.",
            "Встаньте, займитесь чем-нибудь спокойным при тусклом свете и вернитесь в кровать, "
            "когда захочется спать. Ложитесь и вставайте в одно и то же время.",
            "Get up, do something calm in dim light and go back to bed when you feel sleepy. Go "
            "to bed and get up at the same times every day.",
        ),
        (
            "Как сэкономить на продуктах? Дай пару коротких советов.",
            "How can I save money on groceries? Give a couple of short tips.",
            "Составляйте меню и список покупок на неделю и не ходите в магазин голодным. "
            "Сравнивайте цену за килограмм, а не за упаковку.",
            "Plan a weekly menu and shopping list and do not shop when hungry. Compare the price "
            "per kilogram rather than per pack.",
        ),
        (
            "Как подготовиться к собеседованию на работу? Ответь кратко.",
            "How should I prepare for a job interview? Answer briefly.",
            "Изучите компанию и вакансию, подготовьте короткий рассказ о своём опыте и два-три "
            "примера достижений. Придумайте и свои вопросы работодателю.",
            "Research the company and the role, prepare a short account of your experience and "
            "two or three examples of achievements. Prepare your own questions for the employer "
            "too.",
        ),
        (
            "Как поддержать друга, у которого трудный период? Дай короткий совет.",
            "How can I support a friend who is going through a hard time? Give a short piece of "
            "advice.",
            "Спросите, чем можете помочь, и больше слушайте, чем советуйте. Предложите "
            "конкретную помощь, например сходить вместе в магазин.",
            "Ask how you can help and listen more than you advise. Offer concrete help, such as "
            "going to the shop together.",
        ),
        (
            "Как начать бегать, если никогда не занимался спортом? Ответь кратко.",
            "How do I start running if I have never done any sport? Answer briefly.",
            "Начните с чередования быстрой ходьбы и лёгкого бега по минуте три раза в неделю. "
            "Увеличивайте нагрузку постепенно.",
            "Start by alternating a minute of brisk walking with a minute of easy running three "
            "times a week. Increase the load gradually.",
        ),
        (
            "Как меньше времени проводить в телефоне? Дай короткий совет.",
            "How can I spend less time on my phone? Give a short piece of advice.",
            "Отключите необязательные уведомления и уберите развлекательные приложения с "
            "главного экрана. Не берите телефон в спальню.",
            "Turn off non-essential notifications and move entertainment apps off the home "
            "screen. Do not take the phone into the bedroom.",
        ),
        (
            "Как вежливо отказать коллеге в просьбе? Ответь кратко.",
            "How can I politely turn down a colleague's request? Answer briefly.",
            "Поблагодарите за доверие, коротко объясните, что сейчас не можете, и по возможности "
            "предложите другой вариант или срок.",
            "Thank them for asking, briefly explain that you cannot right now and, if possible, "
            "suggest another option or time.",
        ),
        (
            "Как выбрать спелый арбуз? Ответь одним предложением.",
            "How do you choose a ripe watermelon? Answer in one sentence.",
            "Выбирайте арбуз с сухим хвостиком, жёлтым пятном на боку и звонким звуком при "
            "постукивании.",
            "Choose a watermelon with a dry stem, a yellow patch on its side and a hollow sound "
            "when tapped.",
        ),
        (
            "Как накопить на крупную покупку? Дай короткий совет.",
            "How can I save up for a big purchase? Give a short piece of advice.",
            "Определите сумму и срок, посчитайте, сколько нужно откладывать в месяц, и "
            "переводите эти деньги на отдельный счёт сразу после зарплаты.",
            "Set the amount and the deadline, work out how much to put aside each month and move "
            "that money to a separate account right after payday.",
        ),
        (
            "Как не замёрзнуть на зимней прогулке? Ответь кратко.",
            "How can I keep from getting cold on a winter walk? Answer briefly.",
            "Одевайтесь слоями, надевайте шапку, варежки и тёплую непромокаемую обувь. Перед "
            "выходом поешьте, а на улице больше двигайтесь.",
            "Dress in layers and wear a hat, mittens and warm waterproof shoes. Eat before going "
            "out and keep moving outside.",
        ),
        (
            "Как быстрее привыкнуть к новому часовому поясу? Ответь кратко.",
            "How can I get used to a new time zone faster? Answer briefly.",
            "Сразу живите по местному времени, днём больше бывайте на солнце, а вечером избегайте "
            "яркого света и кофе.",
            "Switch to local time at once, spend time in daylight and avoid bright light and "
            "coffee in the evening.",
        ),
        (
            "Как эффективнее готовиться к экзамену? Дай короткий совет.",
            "How can I study more effectively for an exam? Give a short piece of advice.",
            "Занимайтесь короткими блоками с перерывами, проверяйте себя вопросами вместо "
            "перечитывания и высыпайтесь перед экзаменом.",
            "Study in short blocks with breaks, test yourself with questions instead of "
            "rereading and get enough sleep before the exam.",
        ),
        (
            "Как уменьшить количество мусора дома? Ответь кратко.",
            "How can I reduce the amount of rubbish at home? Answer briefly.",
            "Носите с собой многоразовую сумку и бутылку, покупайте товары без лишней упаковки и "
            "сортируйте отходы для переработки.",
            "Carry a reusable bag and bottle, buy goods without excess packaging and sort waste "
            "for recycling.",
        ),
        (
            "Что делать после ссоры с близким человеком? Дай короткий совет.",
            "What should I do after an argument with someone close? Give a short piece of advice.",
            "Дайте себе и ему время остыть, затем спокойно поговорите о своих чувствах, не "
            "обвиняя. Будьте готовы извиниться за свою часть.",
            "Give yourselves time to cool down, then talk calmly about your feelings without "
            "blaming. Be ready to apologise for your part.",
        ),
        (
            "Как выбрать первую книгу для чтения на английском? Ответь кратко.",
            "How should I pick my first book to read in English? Answer briefly.",
            "Возьмите адаптированную книгу своего уровня или историю, которую уже читали "
            "по-русски. Не ищите в словаре каждое слово.",
            "Take a graded reader at your level or a story you have already read in Russian. "
            "Do not look up every word.",
        ),
        (
            "Как защитить свой аккаунт от взлома? Дай короткий совет.",
            "How can I protect my account from being hacked? Give a short piece of advice.",
            "Включите двухфакторную аутентификацию, используйте уникальные длинные пароли и не "
            "переходите по ссылкам из подозрительных писем.",
            "Turn on two-factor authentication, use long unique passwords and do not click links "
            "in suspicious emails.",
        ),
        (
            "Как сберечь спину при сидячей работе? Ответь кратко.",
            "How can I look after my back in a desk job? Answer briefly.",
            "Каждые полчаса вставайте и разминайтесь, поставьте монитор на уровень глаз и "
            "занимайтесь спортом несколько раз в неделю.",
            "Get up and stretch every half hour, set the monitor at eye level and exercise a few "
            "times a week.",
        ),
        (
            "Как организовать рабочее место дома? Дай короткий совет.",
            "How should I set up a workspace at home? Give a short piece of advice.",
            "Выделите постоянное место только для работы, хорошо его осветите и уберите лишнее "
            "со стола. Начинайте и заканчивайте работу в одно время.",
            "Set aside a permanent spot just for work, light it well and clear the desk of "
            "clutter. Start and finish work at the same times.",
        ),
        (
            "Как приучить себя пить больше воды? Ответь кратко.",
            "How can I get into the habit of drinking more water? Answer briefly.",
            "Держите бутылку воды на виду, выпивайте стакан за каждой едой и поставьте "
            "напоминания в телефоне.",
            "Keep a bottle of water in sight, drink a glass with every meal and set reminders on "
            "your phone.",
        ),
    ],
}

PARALLEL.update(
    {
        "science": [
            (
                "Почему Луна на небе меняет форму? Ответь кратко.",
                "Why does the Moon change shape in the sky? Answer briefly.",
                "Солнце освещает одну половину Луны, и по мере её движения вокруг Земли мы видим "
                "разную долю освещённой половины. Так возникают фазы Луны.",
                "The Sun lights one half of the Moon, and as it moves around the Earth we see a "
                "different share of that lit half. This produces the Moon's phases.",
            ),
            (
                "Почему бутылка с водой может лопнуть в морозилке? Ответь кратко.",
                "Why can a bottle of water burst in the freezer? Answer briefly.",
                "При замерзании вода расширяется примерно на десятую часть, и лёд распирает "
                "бутылку.",
                "Water expands by about a tenth when it freezes, and the ice pushes the bottle "
                "apart.",
            ),
            (
                "Почему зимой холоднее, чем летом? Ответь кратко.",
                "Why is it colder in winter than in summer? Answer briefly.",
                "Из-за наклона земной оси зимой солнечные лучи падают под острым углом, а день "
                "короче, поэтому поверхность получает меньше тепла. Расстояние до Солнца тут ни "
                "при чём.",
                "Because of the tilt of the Earth's axis, in winter sunlight arrives at a low "
                "angle and days are shorter, so the surface gets less heat. The distance to the "
                "Sun has nothing to do with it.",
            ),
            (
                "Как образуется радуга? Ответь кратко.",
                "How does a rainbow form? Answer briefly.",
                "Солнечный свет преломляется и отражается в капельках воды и раскладывается на "
                "цвета, потому что разные цвета преломляются по-разному.",
                "Sunlight is refracted and reflected in water droplets and splits into colours, "
                "because different colours bend by different amounts.",
            ),
            (
                "Что такое ДНК и зачем она нужна? Ответь кратко.",
                "What is DNA and what is it for? Answer briefly.",
                "ДНК — это молекула, в которой записана наследственная информация организма. По "
                "ней клетки строят белки и передают признаки потомкам.",
                "DNA is the molecule that stores an organism's hereditary information. Cells use "
                "it to build proteins and pass traits on to offspring.",
            ),
            (
                "Почему гром слышно позже, чем видно молнию? Ответь кратко.",
                "Why do we hear thunder later than we see lightning? Answer briefly.",
                "Свет доходит до нас почти мгновенно, а звук идёт со скоростью около 340 метров "
                "в секунду. Поэтому гром запаздывает.",
                "Light reaches us almost instantly, while sound travels at about 340 metres per "
                "second. So the thunder arrives later.",
            ),
            (
                "Зачем растениям корни? Ответь одним предложением.",
                "What do plants need roots for? Answer in one sentence.",
                "Корни удерживают растение в почве, всасывают воду и минеральные вещества и "
                "часто запасают питательные вещества.",
                "Roots anchor the plant in the soil, absorb water and minerals and often store "
                "nutrients.",
            ),
            (
                "Почему летом в тёмной одежде жарче, чем в светлой?",
                "Why is dark clothing hotter than light clothing in summer?",
                "Тёмная ткань поглощает больше солнечного света и нагревается, а светлая больше "
                "его отражает.",
                "Dark fabric absorbs more sunlight and heats up, while light fabric reflects more "
                "of it.",
            ),
            (
                "Что вызывает приливы и отливы? Ответь кратко.",
                "What causes the tides? Answer briefly.",
                "Приливы и отливы вызывает притяжение Луны и в меньшей степени Солнца, которое "
                "поднимает воду в океанах.",
                "Tides are caused by the gravitational pull of the Moon, and to a lesser extent "
                "the Sun, which raises the water in the oceans.",
            ),
            (
                "Почему при болезни поднимается температура? Ответь кратко.",
                "Why does body temperature rise during an illness? Answer briefly.",
                "Жар — защитная реакция: иммунная система повышает температуру, чтобы затруднить "
                "размножение микробов и ускорить работу защитных клеток.",
                "Fever is a defence: the immune system raises the temperature to hinder the "
                "growth of germs and speed up the defensive cells.",
            ),
            (
                "Чем звезда отличается от планеты? Ответь кратко.",
                "How is a star different from a planet? Answer briefly.",
                "Звезда сама излучает свет за счёт термоядерных реакций, а планета светит "
                "отражённым светом звезды и обращается вокруг неё.",
                "A star emits its own light through nuclear fusion, while a planet shines by "
                "reflecting a star's light and orbits it.",
            ),
            (
                "Почему соль растапливает лёд на дорогах? Ответь кратко.",
                "Why does salt melt ice on roads? Answer briefly.",
                "Соль растворяется в воде и понижает температуру её замерзания, поэтому лёд тает "
                "даже при небольшом морозе.",
                "Salt dissolves in water and lowers its freezing point, so ice melts even in a "
                "light frost.",
            ),
            (
                "Зачем нужен озоновый слой? Ответь одним предложением.",
                "What is the ozone layer for? Answer in one sentence.",
                "Озоновый слой поглощает большую часть ультрафиолетового излучения Солнца, "
                "вредного для живых организмов.",
                "The ozone layer absorbs most of the Sun's ultraviolet radiation, which is "
                "harmful to living things.",
            ),
            (
                "Почему высоко в горах труднее дышать? Ответь кратко.",
                "Why is it harder to breathe high in the mountains? Answer briefly.",
                "С высотой давление воздуха падает, и в каждом вдохе оказывается меньше кислорода.",
                "Air pressure falls with altitude, so each breath contains less oxygen.",
            ),
            (
                "Как работает компас? Ответь одним предложением.",
                "How does a compass work? Answer in one sentence.",
                "Стрелка компаса — это магнит, который поворачивается вдоль магнитного поля "
                "Земли и указывает на север.",
                "The compass needle is a magnet that turns along the Earth's magnetic field and "
                "points north.",
            ),
            (
                "Почему осенью листья желтеют? Ответь кратко.",
                "Why do leaves turn yellow in autumn? Answer briefly.",
                "Осенью дерево перестаёт вырабатывать зелёный хлорофилл, и становятся видны "
                "жёлтые и оранжевые пигменты, которые были в листьях и раньше.",
                "In autumn the tree stops making green chlorophyll, revealing the yellow and "
                "orange pigments that were in the leaves all along.",
            ),
            (
                "Какова скорость света в вакууме?",
                "What is the speed of light in a vacuum?",
                "Скорость света в вакууме — около 300 000 километров в секунду.",
                "The speed of light in a vacuum is about 300,000 kilometres per second.",
            ),
            (
                "Почему хлеб черствеет? Ответь кратко.",
                "Why does bread go stale? Answer briefly.",
                "Крахмал в хлебе со временем перекристаллизуется и теряет воду, поэтому мякиш "
                "твердеет.",
                "The starch in bread recrystallises and loses water over time, so the crumb "
                "hardens.",
            ),
            (
                "Почему антибиотики не помогают от гриппа?",
                "Why don't antibiotics help against flu?",
                "Антибиотики действуют на бактерии, а грипп вызывает вирус, на который они не "
                "влияют.",
                "Antibiotics act on bacteria, while flu is caused by a virus that they do not "
                "affect.",
            ),
            (
                "Почему самолёт держится в воздухе? Ответь кратко.",
                "Why does an aeroplane stay in the air? Answer briefly.",
                "Крыло устроено так, что при движении давление воздуха под ним больше, чем над "
                "ним. Эта подъёмная сила уравновешивает вес самолёта.",
                "The wing is shaped so that, in motion, the air pressure below it is higher than "
                "above it. This lift balances the plane's weight.",
            ),
        ],
        "history": [
            (
                "Когда началась и когда закончилась Вторая мировая война?",
                "When did the Second World War begin and end?",
                "Вторая мировая война началась 1 сентября 1939 года и закончилась 2 сентября "
                "1945 года.",
                "The Second World War began on 1 September 1939 and ended on 2 September 1945.",
            ),
            (
                "В каком году Москва впервые упоминается в летописи?",
                "In what year is Moscow first mentioned in the chronicles?",
                "Москва впервые упоминается в летописи в 1147 году.",
                "Moscow is first mentioned in the chronicles in 1147.",
            ),
            (
                "В каком году пала Берлинская стена?",
                "In what year did the Berlin Wall fall?",
                "Берлинская стена пала в ноябре 1989 года.",
                "The Berlin Wall fell in November 1989.",
            ),
            (
                "Кто стал первым человеком в космосе?",
                "Who was the first person in space?",
                "Первым человеком в космосе стал Юрий Гагарин 12 апреля 1961 года.",
                "The first person in space was Yuri Gagarin, on 12 April 1961.",
            ),
            (
                "Когда Россия перешла на григорианский календарь?",
                "When did Russia switch to the Gregorian calendar?",
                "Россия перешла на григорианский календарь в 1918 году: после 31 января сразу "
                "наступило 14 февраля.",
                "Russia switched to the Gregorian calendar in 1918: 31 January was followed "
                "directly by 14 February.",
            ),
            (
                "Что изобрёл Иоганн Гутенберг? Ответь кратко.",
                "What did Johannes Gutenberg invent? Answer briefly.",
                "Гутенберг в середине XV века создал способ книгопечатания подвижными литерами.",
                "In the mid-fifteenth century Gutenberg created printing with movable type.",
            ),
            (
                "Когда произошла Октябрьская революция?",
                "When did the October Revolution take place?",
                "Октябрьская революция произошла в октябре 1917 года по старому стилю, то есть в "
                "ноябре по новому.",
                "The October Revolution took place in October 1917 by the old calendar, that is, "
                "in November by the new one.",
            ),
            (
                "В каком году Колумб достиг Америки?",
                "In what year did Columbus reach America?",
                "Христофор Колумб достиг островов Америки в 1492 году.",
                "Christopher Columbus reached the islands of America in 1492.",
            ),
            (
                "Кто был первым президентом США?",
                "Who was the first president of the United States?",
                "Первым президентом США был Джордж Вашингтон.",
                "The first president of the United States was George Washington.",
            ),
            (
                "Когда распался Советский Союз?",
                "When did the Soviet Union break up?",
                "Советский Союз распался в декабре 1991 года.",
                "The Soviet Union broke up in December 1991.",
            ),
            (
                "Какой город был столицей Римской империи?",
                "Which city was the capital of the Roman Empire?",
                "Столицей Римской империи был Рим; позже восточной столицей стал Константинополь.",
                "The capital of the Roman Empire was Rome; later Constantinople became the "
                "eastern capital.",
            ),
            (
                "Когда произошло Бородинское сражение?",
                "When did the Battle of Borodino take place?",
                "Бородинское сражение произошло 7 сентября (26 августа по старому стилю) 1812 "
                "года.",
                "The Battle of Borodino took place on 7 September (26 August, Old Style) 1812.",
            ),
            (
                "Кто написал «Слово о полку Игореве»?",
                "Who wrote The Tale of Igor's Campaign?",
                "Автор «Слова о полку Игореве» неизвестен; произведение создано в конце XII века.",
                "The author of The Tale of Igor's Campaign is unknown; it was written in the late "
                "twelfth century.",
            ),
            (
                "Когда запустили первый искусственный спутник Земли?",
                "When was the first artificial Earth satellite launched?",
                "Первый искусственный спутник Земли запустили в СССР 4 октября 1957 года.",
                "The first artificial Earth satellite was launched by the USSR on 4 October 1957.",
            ),
            (
                "Кто правил Россией во время Отечественной войны 1812 года?",
                "Who ruled Russia during the Patriotic War of 1812?",
                "В 1812 году Россией правил император Александр I.",
                "In 1812 Russia was ruled by Emperor Alexander I.",
            ),
            (
                "Для чего строили египетские пирамиды? Ответь одним предложением.",
                "What were the Egyptian pyramids built for? Answer in one sentence.",
                "Египетские пирамиды строили как гробницы для фараонов.",
                "The Egyptian pyramids were built as tombs for the pharaohs.",
            ),
            (
                "Когда произошло крещение Руси?",
                "When did the Christianisation of Rus take place?",
                "Крещение Руси при князе Владимире произошло около 988 года.",
                "Rus was Christianised under Prince Vladimir around 988.",
            ),
            (
                "Кто получил первый патент на телефон?",
                "Who received the first patent for the telephone?",
                "Патент на телефон в 1876 году получил Александр Грэм Белл.",
                "Alexander Graham Bell received the patent for the telephone in 1876.",
            ),
            (
                "Когда закончилась Великая Отечественная война?",
                "When did the Great Patriotic War (the Soviet–German war) end?",
                "Великая Отечественная война закончилась 9 мая 1945 года капитуляцией Германии.",
                "The Great Patriotic War ended on 9 May 1945 with Germany's surrender.",
            ),
            (
                "Кто такой Михаил Ломоносов? Ответь кратко.",
                "Who was Mikhail Lomonosov? Answer briefly.",
                "Михаил Ломоносов — русский учёный XVIII века, естествоиспытатель и поэт, один из "
                "основателей Московского университета.",
                "Mikhail Lomonosov was an eighteenth-century Russian scientist, naturalist and "
                "poet, one of the founders of Moscow University.",
            ),
        ],
        "geography": [
            (
                "Какая река самая длинная в Азии?",
                "Which river is the longest in Asia?",
                "Самая длинная река Азии — Янцзы, около 6300 км.",
                "The longest river in Asia is the Yangtze, about 6,300 km.",
            ),
            (
                "Какой город — столица Австралии?",
                "Which city is the capital of Australia?",
                "Столица Австралии — Канберра.",
                "The capital of Australia is Canberra.",
            ),
            (
                "В какой стране находится Мачу-Пикчу?",
                "In which country is Machu Picchu?",
                "Мачу-Пикчу находится в Перу, высоко в Андах.",
                "Machu Picchu is in Peru, high in the Andes.",
            ),
            (
                "На каком материке находится пустыня Сахара?",
                "On which continent is the Sahara Desert?",
                "Сахара находится в Африке.",
                "The Sahara is in Africa.",
            ),
            (
                "Какая страна самая большая по площади?",
                "Which country is the largest by area?",
                "Самая большая по площади страна — Россия, около 17 миллионов квадратных "
                "километров.",
                "The largest country by area is Russia, about 17 million square kilometres.",
            ),
            (
                "По каким горам проходит условная граница между Европой и Азией?",
                "Along which mountains does the conventional border between Europe and Asia run?",
                "Граница между Европой и Азией проходит по Уральским горам.",
                "The border between Europe and Asia runs along the Ural Mountains.",
            ),
            (
                "Какой город — столица Канады?",
                "Which city is the capital of Canada?",
                "Столица Канады — Оттава.",
                "The capital of Canada is Ottawa.",
            ),
            (
                "В каком океане находится Мадагаскар?",
                "In which ocean is Madagascar?",
                "Мадагаскар находится в Индийском океане, у восточного побережья Африки.",
                "Madagascar is in the Indian Ocean, off the east coast of Africa.",
            ),
            (
                "Какая река протекает через Париж?",
                "Which river flows through Paris?",
                "Через Париж протекает Сена.",
                "The Seine flows through Paris.",
            ),
            (
                "Какой город — столица Аргентины?",
                "Which city is the capital of Argentina?",
                "Столица Аргентины — Буэнос-Айрес.",
                "The capital of Argentina is Buenos Aires.",
            ),
            (
                "Какой крупный город стоит на Неве?",
                "Which large city stands on the Neva?",
                "На Неве стоит Санкт-Петербург.",
                "St Petersburg stands on the Neva.",
            ),
            (
                "Какая гора — самая высокая точка Европы?",
                "Which mountain is the highest point in Europe?",
                "Самой высокой точкой Европы обычно считают Эльбрус на Кавказе, 5642 метра.",
                "Elbrus in the Caucasus, at 5,642 metres, is usually considered Europe's highest "
                "point.",
            ),
            (
                "Какой город — столица Турции?",
                "Which city is the capital of Turkey?",
                "Столица Турции — Анкара, а не Стамбул.",
                "The capital of Turkey is Ankara, not Istanbul.",
            ),
            (
                "Где находится Камчатка? Ответь одним предложением.",
                "Where is Kamchatka? Answer in one sentence.",
                "Камчатка — полуостров на северо-востоке России между Тихим океаном и Охотским "
                "морем.",
                "Kamchatka is a peninsula in north-eastern Russia between the Pacific Ocean and "
                "the Sea of Okhotsk.",
            ),
            (
                "На каком материке нет постоянного населения?",
                "Which continent has no permanent population?",
                "Постоянного населения нет только в Антарктиде.",
                "Only Antarctica has no permanent population.",
            ),
            (
                "Какой город — столица Казахстана?",
                "Which city is the capital of Kazakhstan?",
                "Столица Казахстана — Астана.",
                "The capital of Kazakhstan is Astana.",
            ),
            (
                "Какие моря омывают Крым?",
                "Which seas wash the shores of Crimea?",
                "Крым омывают Чёрное и Азовское моря.",
                "Crimea is washed by the Black Sea and the Sea of Azov.",
            ),
            (
                "В какое море впадает Дон?",
                "Into which sea does the Don flow?",
                "Дон впадает в Азовское море.",
                "The Don flows into the Sea of Azov.",
            ),
            (
                "На каком материке находится Чили?",
                "On which continent is Chile?",
                "Чили находится в Южной Америке, вдоль тихоокеанского побережья.",
                "Chile is in South America, along the Pacific coast.",
            ),
            (
                "Какой пролив отделяет Азию от Северной Америки?",
                "Which strait separates Asia from North America?",
                "Азию от Северной Америки отделяет Берингов пролив.",
                "Asia is separated from North America by the Bering Strait.",
            ),
        ],
        "language": [
            (
                "Сколько букв в русском алфавите?",
                "How many letters are there in the Russian alphabet?",
                "В русском алфавите 33 буквы.",
                "The Russian alphabet has 33 letters.",
            ),
            (
                "Сколько букв в английском алфавите?",
                "How many letters are there in the English alphabet?",
                "В английском алфавите 26 букв.",
                "The English alphabet has 26 letters.",
            ),
            (
                "Что такое антонимы? Приведи пример.",
                "What are antonyms? Give an example.",
                "Антонимы — слова с противоположным значением, например «горячий» и «холодный».",
                "Antonyms are words with opposite meanings, for example 'hot' and 'cold'.",
            ),
            (
                "Чем гласные звуки отличаются от согласных? Ответь кратко.",
                "How do vowels differ from consonants? Answer briefly.",
                "Гласные произносятся со свободным потоком воздуха, а при согласных воздух "
                "встречает во рту преграду.",
                "Vowels are pronounced with a free flow of air, while for consonants the air "
                "meets an obstruction in the mouth.",
            ),
            (
                "Что такое омонимы? Приведи пример.",
                "What are homonyms? Give an example.",
                "Омонимы — слова, которые звучат и пишутся одинаково, но значат разное, например "
                "«ключ» от двери и «ключ»-родник.",
                "Homonyms are words that sound and are spelt the same but mean different things, "
                "for example the 'bank' of a river and a 'bank' for money.",
            ),
            (
                "На каком алфавите основана русская письменность?",
                "Which alphabet is Russian writing based on?",
                "Русская письменность основана на кириллице.",
                "Russian writing is based on the Cyrillic alphabet.",
            ),
            (
                "Какой язык официальный в Бразилии?",
                "What is the official language of Brazil?",
                "Официальный язык Бразилии — португальский.",
                "The official language of Brazil is Portuguese.",
            ),
            (
                "Что такое диалект? Ответь одним предложением.",
                "What is a dialect? Answer in one sentence.",
                "Диалект — это разновидность языка, на которой говорят в определённой местности "
                "или социальной группе.",
                "A dialect is a variety of a language spoken in a particular area or social group.",
            ),
            (
                "Что такое пословица? Приведи пример.",
                "What is a proverb? Give an example.",
                "Пословица — короткое народное изречение с поучительным смыслом, например «Тише "
                "едешь — дальше будешь».",
                "A proverb is a short traditional saying with a lesson, for example 'More haste, "
                "less speed'.",
            ),
            (
                "Что такое аббревиатура? Приведи пример.",
                "What is an abbreviation made of initial letters? Give an example.",
                "Аббревиатура — слово, составленное из начальных букв или частей других слов, "
                "например «вуз».",
                "It is a word made from the initial letters or parts of other words, for example "
                "'NASA'.",
            ),
            (
                "Сколько падежей в русском языке?",
                "How many grammatical cases does Russian have?",
                "В русском языке шесть падежей.",
                "Russian has six grammatical cases.",
            ),
            (
                "Что такое заимствованное слово? Приведи пример.",
                "What is a loanword? Give an example.",
                "Заимствованное слово пришло из другого языка, например «компьютер» из "
                "английского.",
                "A loanword comes from another language, for example 'ballet' from French.",
            ),
            (
                "Что такое глагол? Ответь кратко.",
                "What is a verb? Answer briefly.",
                "Глагол — часть речи, которая обозначает действие или состояние, например "
                "«бежать» или «спать».",
                "A verb is a part of speech that denotes an action or state, for example 'run' "
                "or 'sleep'.",
            ),
            (
                "У какого языка больше всего носителей, для которых он родной?",
                "Which language has the most native speakers?",
                "Больше всего носителей родного языка у китайского (путунхуа).",
                "Mandarin Chinese has the most native speakers.",
            ),
            (
                "Что такое транслитерация? Ответь кратко.",
                "What is transliteration? Answer briefly.",
                "Транслитерация — запись слов одного алфавита буквами другого, например «Москва» "
                "как Moskva.",
                "Transliteration is writing the words of one alphabet in the letters of another, "
                "for example «Москва» as Moskva.",
            ),
        ],
        "culture": [
            (
                "Кто написал повесть «Капитанская дочка»?",
                "Who wrote the novella The Captain's Daughter?",
                "«Капитанскую дочку» написал Александр Пушкин; она вышла в 1836 году.",
                "The Captain's Daughter was written by Alexander Pushkin; it came out in 1836.",
            ),
            (
                "Кто автор пьесы «Вишнёвый сад»?",
                "Who wrote the play The Cherry Orchard?",
                "Пьесу «Вишнёвый сад» написал Антон Чехов в 1904 году.",
                "The Cherry Orchard was written by Anton Chekhov in 1904.",
            ),
            (
                "Кто написал трагедию «Ромео и Джульетта»?",
                "Who wrote the tragedy Romeo and Juliet?",
                "«Ромео и Джульетту» написал Уильям Шекспир.",
                "Romeo and Juliet was written by William Shakespeare.",
            ),
            (
                "Сколько симфоний написал Бетховен?",
                "How many symphonies did Beethoven write?",
                "Бетховен написал девять симфоний.",
                "Beethoven wrote nine symphonies.",
            ),
            (
                "Кто написал картину «Чёрный квадрат»?",
                "Who painted the Black Square?",
                "«Чёрный квадрат» написал Казимир Малевич в 1915 году.",
                "The Black Square was painted by Kazimir Malevich in 1915.",
            ),
            (
                "Кто автор романа «Мастер и Маргарита»?",
                "Who wrote the novel The Master and Margarita?",
                "Роман «Мастер и Маргарита» написал Михаил Булгаков.",
                "The Master and Margarita was written by Mikhail Bulgakov.",
            ),
            (
                "Кто написал оперу «Руслан и Людмила»?",
                "Who composed the opera Ruslan and Lyudmila?",
                "Оперу «Руслан и Людмила» написал Михаил Глинка по поэме Пушкина.",
                "Ruslan and Lyudmila was composed by Mikhail Glinka, based on Pushkin's poem.",
            ),
            (
                "Кто автор повести-сказки «Маленький принц»?",
                "Who wrote the story The Little Prince?",
                "«Маленького принца» написал французский писатель и лётчик Антуан де "
                "Сент-Экзюпери.",
                "The Little Prince was written by the French writer and pilot Antoine de "
                "Saint-Exupéry.",
            ),
            (
                "Что такое сонет? Ответь одним предложением.",
                "What is a sonnet? Answer in one sentence.",
                "Сонет — стихотворение из 14 строк с определённой системой рифм.",
                "A sonnet is a poem of 14 lines with a set rhyme scheme.",
            ),
            (
                "Кто написал комедию «Горе от ума»?",
                "Who wrote the comedy Woe from Wit?",
                "Комедию «Горе от ума» написал Александр Грибоедов.",
                "Woe from Wit was written by Alexander Griboyedov.",
            ),
        ],
    }
)


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form that agrees with ``n`` (1 рубль, 2 рубля, 5 рублей)."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def math_templated() -> list[tuple[str, str, str, str]]:
    """Arithmetic word problems from five hand-written templates; the answers are computed."""
    items = []
    for price, n in ((35, 6), (48, 5), (60, 12)):
        total = price * n
        rub = plural(total, "рубль", "рубля", "рублей")
        items.append(
            (
                f"Тетрадь стоит {price} {plural(price, 'рубль', 'рубля', 'рублей')}. Сколько "
                f"стоят {n} тетрадей?",
                f"A notebook costs {price} roubles. How much do {n} notebooks cost?",
                f"{n} тетрадей стоят {total} {rub}: {n} × {price} = {total}.",
                f"{n} notebooks cost {total} roubles: {n} × {price} = {total}.",
            )
        )
    for speed, hours in ((15, 3), (18, 4), (12, 5)):
        km = speed * hours
        items.append(
            (
                f"Велосипедист едет со скоростью {speed} км/ч. Какое расстояние он проедет за "
                f"{hours} {plural(hours, 'час', 'часа', 'часов')}?",
                f"A cyclist rides at {speed} km/h. How far will they ride in {hours} hours?",
                f"Он проедет {km} км: {speed} × {hours} = {km}.",
                f"They will ride {km} km: {speed} × {hours} = {km}.",
            )
        )
    for price, percent in ((4000, 25), (2500, 20), (1800, 15)):
        new = price * (100 - percent) // 100
        rub = plural(new, "рубль", "рубля", "рублей")
        off = price - new
        items.append(
            (
                f"Пальто стоило {price} рублей, в распродажу на него дали скидку {percent} %. "
                "Сколько оно стоит теперь?",
                f"A coat cost {price} roubles and was given a {percent}% discount in a sale. What "
                "does it cost now?",
                f"Теперь пальто стоит {new} {rub}: скидка составила {off} "
                f"{plural(off, 'рубль', 'рубля', 'рублей')}.",
                f"It now costs {new} roubles: the discount was {off} roubles.",
            )
        )
    for a, b in ((4, 5), (3, 6), (5, 7)):
        items.append(
            (
                f"Комната имеет форму прямоугольника {a} на {b} "
                f"{plural(b, 'метр', 'метра', 'метров')}. Какова её площадь?",
                f"A room is a rectangle {a} by {b} metres. What is its area?",
                f"Площадь комнаты — {a * b} м²: {a} × {b} = {a * b}.",
                f"The room's area is {a * b} m²: {a} × {b} = {a * b}.",
            )
        )
    for distance, speed in ((240, 80), (180, 60), (350, 70)):
        hours = distance // speed
        items.append(
            (
                f"Автомобиль едет со скоростью {speed} км/ч. За сколько часов он проедет "
                f"{distance} км?",
                f"A car travels at {speed} km/h. How many hours will it take to drive "
                f"{distance} km?",
                f"За {hours} {plural(hours, 'час', 'часа', 'часов')}: {distance} : {speed} = "
                f"{hours}.",
                f"{hours} hours: {distance} ÷ {speed} = {hours}.",
            )
        )
    return items


# ---------------------------------------------------------------------------------------------
# ru-en-mc: category -> [(ru question, ru choices, en question, en choices)]; the right answer
# is written FIRST here and moved to a balanced position by ``build_mc``.
# ---------------------------------------------------------------------------------------------

MC: dict[str, list[tuple[str, list[str], str, list[str]]]] = {
    "science": [
        (
            "Какая часть растения обычно выполняет основную часть фотосинтеза?",
            ["лист", "корень", "цветок", "семя"],
            "Which part of a plant usually does most of the photosynthesis?",
            ["the leaf", "the root", "the flower", "the seed"],
        ),
        (
            "Какая планета ближе всего к Солнцу?",
            ["Меркурий", "Венера", "Марс", "Земля"],
            "Which planet is closest to the Sun?",
            ["Mercury", "Venus", "Mars", "Earth"],
        ),
        (
            "Из чего в основном состоит Солнце?",
            ["из водорода и гелия", "из железа", "из кислорода и азота", "из углерода"],
            "What is the Sun mainly made of?",
            ["hydrogen and helium", "iron", "oxygen and nitrogen", "carbon"],
        ),
        (
            "Какой орган перекачивает кровь по телу?",
            ["сердце", "печень", "лёгкие", "почки"],
            "Which organ pumps blood around the body?",
            ["the heart", "the liver", "the lungs", "the kidneys"],
        ),
        (
            "Сколько хромосом в обычной клетке тела человека?",
            ["46", "23", "48", "64"],
            "How many chromosomes are there in an ordinary human body cell?",
            ["46", "23", "48", "64"],
        ),
        (
            "В каких единицах измеряют силу электрического тока?",
            ["в амперах", "в вольтах", "в омах", "в ваттах"],
            "In what units is electric current measured?",
            ["amperes", "volts", "ohms", "watts"],
        ),
        (
            "Что изучает ботаника?",
            ["растения", "животных", "горные породы", "звёзды"],
            "What does botany study?",
            ["plants", "animals", "rocks", "stars"],
        ),
        (
            "При какой температуре замерзает чистая вода при нормальном давлении?",
            ["0 °C", "−10 °C", "4 °C", "32 °C"],
            "At what temperature does pure water freeze at normal pressure?",
            ["0 °C", "−10 °C", "4 °C", "32 °C"],
        ),
        (
            "Какой химический элемент обозначается буквой O?",
            ["кислород", "золото", "осмий", "олово"],
            "Which chemical element has the symbol O?",
            ["oxygen", "gold", "osmium", "tin"],
        ),
        (
            "Какое из этих животных — млекопитающее?",
            ["дельфин", "акула", "крокодил", "лосось"],
            "Which of these animals is a mammal?",
            ["a dolphin", "a shark", "a crocodile", "a salmon"],
        ),
        (
            "У какой планеты самые заметные кольца?",
            ["у Сатурна", "у Марса", "у Меркурия", "у Венеры"],
            "Which planet has the most prominent rings?",
            ["Saturn", "Mars", "Mercury", "Venus"],
        ),
        (
            "Что измеряет термометр?",
            ["температуру", "давление", "влажность", "скорость ветра"],
            "What does a thermometer measure?",
            ["temperature", "pressure", "humidity", "wind speed"],
        ),
        (
            "В какой части клетки животного хранится большая часть ДНК?",
            ["в ядре", "в мембране", "в вакуоли", "в рибосомах"],
            "In which part of an animal cell is most of the DNA stored?",
            ["in the nucleus", "in the membrane", "in the vacuole", "in the ribosomes"],
        ),
        (
            "Сколько времени идёт свет от Солнца до Земли?",
            ["около 8 минут", "около 8 секунд", "около 8 часов", "около 8 дней"],
            "How long does sunlight take to reach the Earth?",
            ["about 8 minutes", "about 8 seconds", "about 8 hours", "about 8 days"],
        ),
        (
            "Какой витамин вырабатывается в коже под действием солнечного света?",
            ["витамин D", "витамин C", "витамин A", "витамин B12"],
            "Which vitamin is produced in the skin under sunlight?",
            ["vitamin D", "vitamin C", "vitamin A", "vitamin B12"],
        ),
        (
            "Какое из этих веществ — металл?",
            ["медь", "кварц", "сера", "графит"],
            "Which of these substances is a metal?",
            ["copper", "quartz", "sulphur", "graphite"],
        ),
    ],
    "geography": [
        (
            "Какой город — столица Италии?",
            ["Рим", "Милан", "Венеция", "Неаполь"],
            "Which city is the capital of Italy?",
            ["Rome", "Milan", "Venice", "Naples"],
        ),
        (
            "Какая река протекает через Будапешт?",
            ["Дунай", "Рейн", "Висла", "Эльба"],
            "Which river flows through Budapest?",
            ["the Danube", "the Rhine", "the Vistula", "the Elbe"],
        ),
        (
            "В какой стране находится гора Килиманджаро?",
            ["в Танзании", "в Кении", "в Эфиопии", "в ЮАР"],
            "In which country is Mount Kilimanjaro?",
            ["Tanzania", "Kenya", "Ethiopia", "South Africa"],
        ),
        (
            "Какой океан омывает восточное побережье США?",
            ["Атлантический", "Тихий", "Индийский", "Северный Ледовитый"],
            "Which ocean lies off the east coast of the United States?",
            ["the Atlantic", "the Pacific", "the Indian", "the Arctic"],
        ),
        (
            "Какой город — столица Германии?",
            ["Берлин", "Мюнхен", "Франкфурт-на-Майне", "Гамбург"],
            "Which city is the capital of Germany?",
            ["Berlin", "Munich", "Frankfurt am Main", "Hamburg"],
        ),
        (
            "Какой материк самый холодный?",
            ["Антарктида", "Европа", "Австралия", "Северная Америка"],
            "Which continent is the coldest?",
            ["Antarctica", "Europe", "Australia", "North America"],
        ),
        (
            "В каком городе находится Красная площадь?",
            ["в Москве", "в Санкт-Петербурге", "в Казани", "в Новгороде"],
            "In which city is Red Square?",
            ["Moscow", "St Petersburg", "Kazan", "Novgorod"],
        ),
        (
            "Очертания какой страны на карте похожи на сапог?",
            ["Италии", "Испании", "Греции", "Португалии"],
            "Which country is shaped like a boot on the map?",
            ["Italy", "Spain", "Greece", "Portugal"],
        ),
        (
            "Какой замкнутый водоём самый большой по площади в мире?",
            ["Каспийское море", "Байкал", "озеро Виктория", "озеро Верхнее"],
            "Which enclosed body of water is the largest by area in the world?",
            ["the Caspian Sea", "Lake Baikal", "Lake Victoria", "Lake Superior"],
        ),
        (
            "Какой город — столица Японии?",
            ["Токио", "Киото", "Осака", "Сеул"],
            "Which city is the capital of Japan?",
            ["Tokyo", "Kyoto", "Osaka", "Seoul"],
        ),
        (
            "На какой реке стоит Лондон?",
            ["на Темзе", "на Сене", "на Дунае", "на Рейне"],
            "On which river does London stand?",
            ["the Thames", "the Seine", "the Danube", "the Rhine"],
        ),
        (
            "Какая из этих стран не имеет выхода к морю?",
            ["Монголия", "Китай", "Норвегия", "Япония"],
            "Which of these countries has no coastline?",
            ["Mongolia", "China", "Norway", "Japan"],
        ),
        (
            "Какой город — столица Египта?",
            ["Каир", "Александрия", "Луксор", "Гиза"],
            "Which city is the capital of Egypt?",
            ["Cairo", "Alexandria", "Luxor", "Giza"],
        ),
        (
            "В какой части света находится Сибирь?",
            ["в Азии", "в Европе", "в Африке", "в Северной Америке"],
            "In which part of the world is Siberia?",
            ["Asia", "Europe", "Africa", "North America"],
        ),
        (
            "Какой город — столица Бразилии?",
            ["Бразилиа", "Рио-де-Жанейро", "Сан-Паулу", "Буэнос-Айрес"],
            "Which city is the capital of Brazil?",
            ["Brasília", "Rio de Janeiro", "São Paulo", "Buenos Aires"],
        ),
        (
            "Какая река впадает в Каспийское море?",
            ["Волга", "Дон", "Днепр", "Нева"],
            "Which river flows into the Caspian Sea?",
            ["the Volga", "the Don", "the Dnieper", "the Neva"],
        ),
    ],
    "history": [
        (
            "В каком году началась Первая мировая война?",
            ["в 1914", "в 1905", "в 1918", "в 1939"],
            "In what year did the First World War begin?",
            ["1914", "1905", "1918", "1939"],
        ),
        (
            "Кто стал первым императором России?",
            ["Пётр I", "Иван Грозный", "Александр I", "Николай II"],
            "Who became the first Emperor of Russia?",
            ["Peter the Great", "Ivan the Terrible", "Alexander I", "Nicholas II"],
        ),
        (
            "Какая древняя цивилизация построила пирамиды в Гизе?",
            ["египетская", "римская", "греческая", "персидская"],
            "Which ancient civilisation built the pyramids at Giza?",
            ["the Egyptian", "the Roman", "the Greek", "the Persian"],
        ),
        (
            "В каком году люди впервые высадились на Луну?",
            ["в 1969", "в 1957", "в 1961", "в 1975"],
            "In what year did people first land on the Moon?",
            ["1969", "1957", "1961", "1975"],
        ),
        (
            "Кто открыл пенициллин?",
            ["Александр Флеминг", "Луи Пастер", "Роберт Кох", "Илья Мечников"],
            "Who discovered penicillin?",
            ["Alexander Fleming", "Louis Pasteur", "Robert Koch", "Ilya Mechnikov"],
        ),
        (
            "Какая империя построила Колизей?",
            ["Римская", "Османская", "Британская", "Монгольская"],
            "Which empire built the Colosseum?",
            ["the Roman", "the Ottoman", "the British", "the Mongol"],
        ),
        (
            "Кто была первой женщиной в космосе?",
            ["Валентина Терешкова", "Светлана Савицкая", "Салли Райд", "Елена Кондакова"],
            "Who was the first woman in space?",
            ["Valentina Tereshkova", "Svetlana Savitskaya", "Sally Ride", "Yelena Kondakova"],
        ),
        (
            "На рубеже каких веков жил Наполеон Бонапарт?",
            ["XVIII и XIX", "XV и XVI", "XVI и XVII", "XIX и XX"],
            "At the turn of which centuries did Napoleon Bonaparte live?",
            ["the 18th and 19th", "the 15th and 16th", "the 16th and 17th", "the 19th and 20th"],
        ),
        (
            "Какое событие произошло в 1945 году?",
            [
                "окончание Второй мировой войны",
                "начало Первой мировой войны",
                "распад СССР",
                "полёт Гагарина",
            ],
            "Which event took place in 1945?",
            [
                "the end of the Second World War",
                "the start of the First World War",
                "the break-up of the USSR",
                "Gagarin's flight",
            ],
        ),
        (
            "Кто написал «Капитал»?",
            ["Карл Маркс", "Адам Смит", "Джон Мейнард Кейнс", "Фридрих Ницше"],
            "Who wrote Das Kapital?",
            ["Karl Marx", "Adam Smith", "John Maynard Keynes", "Friedrich Nietzsche"],
        ),
        (
            "Какой город был столицей Византийской империи?",
            ["Константинополь", "Рим", "Афины", "Александрия"],
            "Which city was the capital of the Byzantine Empire?",
            ["Constantinople", "Rome", "Athens", "Alexandria"],
        ),
        (
            "Кто первым из русских правителей официально венчался на царство?",
            ["Иван IV Грозный", "Пётр I", "Михаил Романов", "Борис Годунов"],
            "Which Russian ruler was the first to be officially crowned tsar?",
            ["Ivan IV the Terrible", "Peter the Great", "Mikhail Romanov", "Boris Godunov"],
        ),
        (
            "В каком году была принята Декларация независимости США?",
            ["в 1776", "в 1789", "в 1812", "в 1865"],
            "In what year was the US Declaration of Independence adopted?",
            ["1776", "1789", "1812", "1865"],
        ),
        (
            "Какой корабль затонул в 1912 году после столкновения с айсбергом?",
            ["«Титаник»", "«Лузитания»", "«Аврора»", "«Мэйфлауэр»"],
            "Which ship sank in 1912 after hitting an iceberg?",
            ["the Titanic", "the Lusitania", "the Aurora", "the Mayflower"],
        ),
        (
            "Кто возглавил первое кругосветное плавание, начавшееся в 1519 году?",
            ["Фернан Магеллан", "Христофор Колумб", "Васко да Гама", "Джеймс Кук"],
            "Who led the first voyage around the world, which set out in 1519?",
            ["Ferdinand Magellan", "Christopher Columbus", "Vasco da Gama", "James Cook"],
        ),
        (
            "Какая страна первой отправила человека в космос?",
            ["СССР", "США", "Китай", "Франция"],
            "Which country was the first to send a person into space?",
            ["the USSR", "the USA", "China", "France"],
        ),
    ],
    "math": [
        (
            "Сколько будет 9 × 6?",
            ["54", "56", "45", "63"],
            "What is 9 × 6?",
            ["54", "56", "45", "63"],
        ),
        (
            "Чему равен квадратный корень из 144?",
            ["12", "14", "11", "72"],
            "What is the square root of 144?",
            ["12", "14", "11", "72"],
        ),
        (
            "Сколько градусов в прямом угле?",
            ["90°", "180°", "45°", "360°"],
            "How many degrees are there in a right angle?",
            ["90°", "180°", "45°", "360°"],
        ),
        (
            "Какое из этих чисел простое?",
            ["13", "15", "21", "27"],
            "Which of these numbers is prime?",
            ["13", "15", "21", "27"],
        ),
        (
            "Сколько будет 10 % от 350?",
            ["35", "30", "70", "45"],
            "What is 10% of 350?",
            ["35", "30", "70", "45"],
        ),
        (
            "Найди x, если 2x − 4 = 10.",
            ["7", "3", "6", "12"],
            "Find x if 2x − 4 = 10.",
            ["7", "3", "6", "12"],
        ),
        (
            "Сколько граммов в одном килограмме?",
            ["1000", "100", "10", "10 000"],
            "How many grams are there in one kilogram?",
            ["1,000", "100", "10", "10,000"],
        ),
        (
            "Какая из этих дробей самая большая?",
            ["3/4", "2/3", "5/8", "1/2"],
            "Which of these fractions is the largest?",
            ["3/4", "2/3", "5/8", "1/2"],
        ),
        (
            "Чему равна площадь прямоугольника 4 см на 6 см?",
            ["24 см²", "20 см²", "10 см²", "12 см²"],
            "What is the area of a 4 cm by 6 cm rectangle?",
            ["24 cm²", "20 cm²", "10 cm²", "12 cm²"],
        ),
        (
            "Сколько рёбер у куба?",
            ["12", "8", "6", "24"],
            "How many edges does a cube have?",
            ["12", "8", "6", "24"],
        ),
        (
            "Сколько будет 1000 − 357?",
            ["643", "753", "657", "743"],
            "What is 1000 − 357?",
            ["643", "753", "657", "743"],
        ),
        (
            "Какое число следующее в ряду 3, 6, 12, 24?",
            ["48", "30", "36", "28"],
            "What number comes next in the sequence 3, 6, 12, 24?",
            ["48", "30", "36", "28"],
        ),
        (
            "Сколько секунд в трёх минутах?",
            ["180", "300", "120", "360"],
            "How many seconds are there in three minutes?",
            ["180", "300", "120", "360"],
        ),
        (
            "Чему равно 2 в пятой степени?",
            ["32", "10", "25", "64"],
            "What is 2 to the power of 5?",
            ["32", "10", "25", "64"],
        ),
        (
            "Сколько нулей в записи числа миллион?",
            ["6", "5", "7", "9"],
            "How many zeros are there in the number one million?",
            ["6", "5", "7", "9"],
        ),
        (
            "Чему равен периметр прямоугольника со сторонами 3 см и 7 см?",
            ["20 см", "21 см", "10 см", "24 см"],
            "What is the perimeter of a rectangle with sides of 3 cm and 7 cm?",
            ["20 cm", "21 cm", "10 cm", "24 cm"],
        ),
    ],
    "language": [
        (
            "Какое из этих слов — существительное?",
            ["стол", "бежать", "красивый", "быстро"],
            "Which of these words is a noun?",
            ["table", "to run", "beautiful", "quickly"],
        ),
        (
            "Какое слово — антоним к слову «горячий»?",
            ["холодный", "тёплый", "жаркий", "огненный"],
            "Which word is an antonym of 'hot'?",
            ["cold", "warm", "scorching", "fiery"],
        ),
        (
            "Какое слово — синоним к слову «большой»?",
            ["огромный", "маленький", "узкий", "короткий"],
            "Which word is a synonym of 'big'?",
            ["huge", "small", "narrow", "short"],
        ),
        (
            "Какой письменностью пользуются в русском языке?",
            ["кириллицей", "латиницей", "греческим алфавитом", "арабским письмом"],
            "Which script is used to write Russian?",
            ["Cyrillic", "Latin", "the Greek alphabet", "Arabic script"],
        ),
        (
            "Какое из этих слов — глагол?",
            ["писать", "письмо", "письменный", "письменно"],
            "Which of these words is a verb?",
            ["to write", "a letter", "written", "in writing"],
        ),
        (
            "Какой язык официальный в Аргентине?",
            ["испанский", "португальский", "итальянский", "английский"],
            "What is the official language of Argentina?",
            ["Spanish", "Portuguese", "Italian", "English"],
        ),
        (
            "Что значит выражение «бить баклуши»?",
            ["бездельничать", "усердно работать", "драться", "шуметь"],
            "What does the Russian expression «бить баклуши» mean?",
            ["to idle about", "to work hard", "to fight", "to make noise"],
        ),
        (
            "Какое из этих слов — прилагательное?",
            ["зелёный", "зелень", "зеленеть", "по-зелёному"],
            "Which of these words is an adjective?",
            ["green", "greenery", "to turn green", "greenly"],
        ),
        (
            "Какая форма множественного числа у слова «ребёнок»?",
            ["дети", "ребёнки", "детёныши", "ребёнков"],
            "What is the plural of the Russian word «ребёнок» (child)?",
            ["дети", "ребёнки", "детёныши", "ребёнков"],
        ),
        (
            "Какой знак ставится в конце вопросительного предложения?",
            ["вопросительный знак", "точка", "запятая", "двоеточие"],
            "Which mark goes at the end of a question?",
            ["a question mark", "a full stop", "a comma", "a colon"],
        ),
        (
            "Какой падеж в русском языке отвечает на вопросы «кого? чего?»?",
            ["родительный", "дательный", "винительный", "творительный"],
            "Which Russian case answers the questions «кого? чего?» (of whom? of what?)?",
            ["the genitive", "the dative", "the accusative", "the instrumental"],
        ),
        (
            "Какое из этих русских слов заимствовано из французского?",
            ["пальто", "изба", "берёза", "окно"],
            "Which of these Russian words was borrowed from French?",
            ["пальто (coat)", "изба (hut)", "берёза (birch)", "окно (window)"],
        ),
        (
            "Какой член предложения обозначает, о ком или о чём говорится?",
            ["подлежащее", "сказуемое", "дополнение", "обстоятельство"],
            "Which part of a sentence names who or what the sentence is about?",
            ["the subject", "the predicate", "the object", "the adverbial"],
        ),
        (
            "Какое из этих русских слов — числительное?",
            ["семь", "семья", "семейный", "семенить"],
            "Which of these Russian words is a numeral?",
            [
                "семь (seven)",
                "семья (family)",
                "семейный (of the family)",
                "семенить (to mince along)",
            ],
        ),
        (
            "На каком языке изначально написана «Илиада»?",
            ["на древнегреческом", "на латыни", "на иврите", "на санскрите"],
            "In which language was the Iliad originally written?",
            ["Ancient Greek", "Latin", "Hebrew", "Sanskrit"],
        ),
        (
            "Что такое рифма?",
            [
                "созвучие концов строк",
                "повтор слова в начале строк",
                "чередование ударений",
                "длина строки",
            ],
            "What is rhyme?",
            [
                "matching sounds at the ends of lines",
                "repeating a word at the start of lines",
                "the pattern of stresses",
                "the length of a line",
            ],
        ),
    ],
    "logic": [
        (
            "Сегодня пятница. Какой день будет через три дня?",
            ["понедельник", "воскресенье", "вторник", "суббота"],
            "Today is Friday. What day will it be in three days?",
            ["Monday", "Sunday", "Tuesday", "Saturday"],
        ),
        (
            "У Оли три брата, и у каждого брата одна сестра. Сколько девочек в семье?",
            ["одна", "три", "две", "четыре"],
            "Olya has three brothers, and each brother has one sister. How many girls are in "
            "the family?",
            ["one", "three", "two", "four"],
        ),
        (
            "Что лишнее: яблоко, груша, морковь, слива?",
            ["морковь", "яблоко", "груша", "слива"],
            "Which is the odd one out: apple, pear, carrot, plum?",
            ["carrot", "apple", "pear", "plum"],
        ),
        (
            "А больше Б, а Б больше В. Что из этого следует?",
            ["А больше В", "В больше А", "А равно В", "ничего нельзя сказать"],
            "A is greater than B, and B is greater than C. What follows?",
            ["A is greater than C", "C is greater than A", "A equals C", "nothing can be said"],
        ),
        (
            "Сколько месяцев в году имеют 28 дней?",
            ["все двенадцать", "один", "два", "ни одного"],
            "How many months of the year have 28 days?",
            ["all twelve", "one", "two", "none"],
        ),
        (
            "Какое число продолжает ряд 1, 1, 2, 3, 5, 8?",
            ["13", "11", "12", "16"],
            "Which number continues the sequence 1, 1, 2, 3, 5, 8?",
            ["13", "11", "12", "16"],
        ),
        (
            "У фермера было 10 овец, все, кроме трёх, разбежались. Сколько овец осталось?",
            ["3", "7", "10", "0"],
            "A farmer had 10 sheep, and all but three ran away. How many sheep are left?",
            ["3", "7", "10", "0"],
        ),
        (
            "Что лишнее: квадрат, треугольник, круг, куб?",
            ["куб", "квадрат", "треугольник", "круг"],
            "Which is the odd one out: square, triangle, circle, cube?",
            ["cube", "square", "triangle", "circle"],
        ),
        (
            "Все A — это B, и все B — это C. Что обязательно верно?",
            ["все A — это C", "все C — это A", "ни одно A не C", "некоторые B не A"],
            "All A are B, and all B are C. What must be true?",
            ["all A are C", "all C are A", "no A is C", "some B are not A"],
        ),
        (
            "Маме 36 лет, она втрое старше сына. Сколько лет сыну?",
            ["12", "9", "33", "108"],
            "A mother is 36 and three times as old as her son. How old is the son?",
            ["12", "9", "33", "108"],
        ),
        (
            "Сколько концов у трёх с половиной палок?",
            ["8", "7", "6", "4"],
            "How many ends do three and a half sticks have?",
            ["8", "7", "6", "4"],
        ),
        (
            "Что лишнее: берёза, дуб, ель, ромашка?",
            ["ромашка", "берёза", "дуб", "ель"],
            "Which is the odd one out: birch, oak, spruce, daisy?",
            ["daisy", "birch", "oak", "spruce"],
        ),
        (
            "Если завтра вторник, то какой день был вчера?",
            ["воскресенье", "понедельник", "суббота", "среда"],
            "If tomorrow is Tuesday, what day was yesterday?",
            ["Sunday", "Monday", "Saturday", "Wednesday"],
        ),
        (
            "Брат старше сестры на 4 года. На сколько лет он будет старше неё через 10 лет?",
            ["на 4 года", "на 14 лет", "на 10 лет", "на 6 лет"],
            "A brother is 4 years older than his sister. How much older will he be in 10 years?",
            ["4 years", "14 years", "10 years", "6 years"],
        ),
        (
            "Улитка за день поднимается по столбу на 3 м, а за ночь сползает на 2 м. На какой "
            "день она доберётся до верха столба высотой 5 м?",
            ["на третий", "на пятый", "на четвёртый", "на второй"],
            "A snail climbs a pole 3 m during the day and slides down 2 m at night. On which "
            "day does it reach the top of a 5 m pole?",
            ["the third", "the fifth", "the fourth", "the second"],
        ),
        (
            "В коробке 5 красных и 5 синих шаров. Сколько шаров нужно вынуть не глядя, чтобы "
            "среди них наверняка было два одного цвета?",
            ["3", "2", "6", "5"],
            "A box holds 5 red and 5 blue balls. How many must you draw without looking to be "
            "sure of two of the same colour?",
            ["3", "2", "6", "5"],
        ),
    ],
    "culture": [
        (
            "Кто автор романа «Анна Каренина»?",
            ["Лев Толстой", "Фёдор Достоевский", "Иван Тургенев", "Антон Чехов"],
            "Who wrote the novel Anna Karenina?",
            ["Leo Tolstoy", "Fyodor Dostoevsky", "Ivan Turgenev", "Anton Chekhov"],
        ),
        (
            "Какой праздник отмечают в ночь с 31 декабря на 1 января?",
            ["Новый год", "День знаний", "День Победы", "Масленицу"],
            "Which holiday is celebrated on the night of 31 December to 1 January?",
            ["New Year", "Knowledge Day", "Victory Day", "Maslenitsa"],
        ),
        (
            "Какой композитор написал скрипичные концерты «Времена года»?",
            [
                "Антонио Вивальди",
                "Иоганн Себастьян Бах",
                "Вольфганг Амадей Моцарт",
                "Фредерик Шопен",
            ],
            "Which composer wrote the violin concertos The Four Seasons?",
            [
                "Antonio Vivaldi",
                "Johann Sebastian Bach",
                "Wolfgang Amadeus Mozart",
                "Frédéric Chopin",
            ],
        ),
        (
            "Сколько колец на олимпийском флаге?",
            ["5", "4", "6", "7"],
            "How many rings are there on the Olympic flag?",
            ["5", "4", "6", "7"],
        ),
        (
            "Кто написал картину «Звёздная ночь»?",
            ["Винсент ван Гог", "Клод Моне", "Пабло Пикассо", "Сальвадор Дали"],
            "Who painted The Starry Night?",
            ["Vincent van Gogh", "Claude Monet", "Pablo Picasso", "Salvador Dalí"],
        ),
        (
            "Кто автор стихотворения «Я помню чудное мгновенье…»?",
            ["Александр Пушкин", "Михаил Лермонтов", "Сергей Есенин", "Фёдор Тютчев"],
            "Who wrote the poem «Я помню чудное мгновенье…» (I recall a wondrous moment)?",
            ["Alexander Pushkin", "Mikhail Lermontov", "Sergei Yesenin", "Fyodor Tyutchev"],
        ),
        (
            "У какого из этих инструментов есть клавиши?",
            ["у фортепиано", "у скрипки", "у трубы", "у барабана"],
            "Which of these instruments has keys?",
            ["the piano", "the violin", "the trumpet", "the drum"],
        ),
        (
            "В каком виде спорта играют шайбой?",
            ["в хоккее", "в футболе", "в теннисе", "в баскетболе"],
            "Which sport is played with a puck?",
            ["ice hockey", "football", "tennis", "basketball"],
        ),
        (
            "Какой традиционный суп готовят со свёклой?",
            ["борщ", "щи", "уху", "солянку"],
            "Which traditional soup is made with beetroot?",
            ["borscht", "shchi (cabbage soup)", "ukha (fish soup)", "solyanka"],
        ),
        (
            "Сколько игроков одной команды находится на площадке в баскетболе?",
            ["5", "6", "7", "11"],
            "How many players from one team are on the court in basketball?",
            ["5", "6", "7", "11"],
        ),
        (
            "Кто написал роман «Двенадцать стульев»?",
            ["Ильф и Петров", "Михаил Булгаков", "Михаил Зощенко", "Борис Пастернак"],
            "Who wrote the novel The Twelve Chairs?",
            ["Ilf and Petrov", "Mikhail Bulgakov", "Mikhail Zoshchenko", "Boris Pasternak"],
        ),
        (
            "Кто из этих писателей получил Нобелевскую премию по литературе?",
            ["Иван Бунин", "Лев Толстой", "Антон Чехов", "Николай Гоголь"],
            "Which of these writers received the Nobel Prize in Literature?",
            ["Ivan Bunin", "Leo Tolstoy", "Anton Chekhov", "Nikolai Gogol"],
        ),
        (
            "Какого цвета нет на флаге России?",
            ["зелёного", "белого", "синего", "красного"],
            "Which colour is not on the flag of Russia?",
            ["green", "white", "blue", "red"],
        ),
        (
            "Сколько длится футбольный матч без дополнительного времени?",
            ["90 минут", "60 минут", "80 минут", "120 минут"],
            "How long does a football match last without extra time?",
            ["90 minutes", "60 minutes", "80 minutes", "120 minutes"],
        ),
        (
            "Как зовут деревянного героя сказки Алексея Толстого «Золотой ключик»?",
            ["Буратино", "Незнайка", "Чебурашка", "Карлсон"],
            "What is the name of the wooden hero of Alexei Tolstoy's tale The Golden Key?",
            ["Buratino", "Neznaika (Dunno)", "Cheburashka", "Karlsson"],
        ),
        (
            "В какой стране впервые сделали матрёшку?",
            ["в России", "в Японии", "в Китае", "в Германии"],
            "In which country was the matryoshka doll first made?",
            ["Russia", "Japan", "China", "Germany"],
        ),
    ],
    "everyday": [
        (
            "Что нужно сделать в первую очередь при ожоге кипятком?",
            [
                "подержать место ожога под прохладной водой",
                "смазать его маслом",
                "приложить лёд прямо к коже",
                "проколоть пузырь",
            ],
            "What should you do first after a scald from boiling water?",
            [
                "hold the burn under cool running water",
                "put butter on it",
                "put ice directly on the skin",
                "pop the blister",
            ],
        ),
        (
            "По какому единому номеру вызывают экстренные службы в России?",
            ["112", "911", "999", "118"],
            "Which single number is used to call the emergency services in Russia?",
            ["112", "911", "999", "118"],
        ),
        (
            "Какой сигнал светофора разрешает пешеходу переходить дорогу?",
            ["зелёный", "красный", "жёлтый", "синий"],
            "Which traffic light signal allows a pedestrian to cross the road?",
            ["green", "red", "amber", "blue"],
        ),
        (
            "В каком месяце в российских школах начинается учебный год?",
            ["в сентябре", "в августе", "в октябре", "в январе"],
            "In which month does the school year start in Russian schools?",
            ["September", "August", "October", "January"],
        ),
        (
            "Какой прибор измеряет атмосферное давление?",
            ["барометр", "термометр", "спидометр", "амперметр"],
            "Which instrument measures atmospheric pressure?",
            ["a barometer", "a thermometer", "a speedometer", "an ammeter"],
        ),
        (
            "Что из этого нельзя ставить в микроволновую печь?",
            [
                "металлическую миску",
                "стеклянную тарелку",
                "керамическую кружку",
                "бумажную салфетку",
            ],
            "Which of these must not go in a microwave oven?",
            ["a metal bowl", "a glass plate", "a ceramic mug", "a paper napkin"],
        ),
        (
            "Что добавляют в тесто, чтобы оно поднялось?",
            ["дрожжи", "соль", "сахарную пудру", "крахмал"],
            "What is added to dough to make it rise?",
            ["yeast", "salt", "icing sugar", "starch"],
        ),
        (
            "Каким концом обычно ставят батарейку к пружине в отсеке пульта?",
            ["минусом", "плюсом", "любым", "боком"],
            "Which end of a battery usually goes against the spring in a remote control?",
            ["the negative end", "the positive end", "either end", "its side"],
        ),
        (
            "Что делает предохранитель в электрической цепи?",
            [
                "размыкает цепь при перегрузке",
                "повышает напряжение",
                "накапливает заряд",
                "измеряет силу тока",
            ],
            "What does a fuse do in an electric circuit?",
            [
                "breaks the circuit when overloaded",
                "raises the voltage",
                "stores charge",
                "measures the current",
            ],
        ),
        (
            "Какая температура тела человека считается нормальной?",
            ["около 36,6 °C", "около 34 °C", "около 38,5 °C", "около 40 °C"],
            "Which human body temperature is considered normal?",
            ["about 36.6 °C", "about 34 °C", "about 38.5 °C", "about 40 °C"],
        ),
        (
            "Как часто советуют менять зубную щётку?",
            ["раз в три месяца", "раз в неделю", "раз в пять лет", "никогда"],
            "How often is it recommended to replace a toothbrush?",
            ["every three months", "every week", "every five years", "never"],
        ),
        (
            "Что из этого говорит о том, что молоко скисло?",
            ["кислый запах", "белый цвет", "жидкая консистенция", "низкая температура"],
            "Which of these shows that milk has gone sour?",
            ["a sour smell", "a white colour", "a liquid texture", "a low temperature"],
        ),
        (
            "В каком из этих продуктов больше всего белка?",
            ["в куриной грудке", "в огурце", "в яблоке", "в рисе"],
            "Which of these foods has the most protein?",
            ["chicken breast", "cucumber", "apple", "rice"],
        ),
        (
            "Как называется бумага, которую выдают в магазине после оплаты покупки?",
            ["чек", "паспорт", "справка", "диплом"],
            "What is the slip you get in a shop after paying called?",
            ["a receipt", "a passport", "a certificate", "a diploma"],
        ),
        (
            "Как правильно потушить загоревшееся масло на сковороде?",
            [
                "накрыть сковороду крышкой",
                "залить водой",
                "подуть на огонь",
                "отнести сковороду под кран",
            ],
            "How should you put out burning oil in a frying pan?",
            [
                "cover the pan with a lid",
                "pour water on it",
                "blow on the flames",
                "carry the pan to the tap",
            ],
        ),
        (
            "Сколько дней в феврале невисокосного года?",
            ["28", "29", "30", "31"],
            "How many days does February have in a non-leap year?",
            ["28", "29", "30", "31"],
        ),
    ],
}


# ---------------------------------------------------------------------------------------------
# ru-prefs: rejected type -> [(category, prompt, chosen, rejected)] where the rejected answer is
# hand-written (English, mixed languages, wrong); for "verbose" and "unhelpful" only
# (category, prompt, chosen) is written and ``build_prefs`` composes the rejected answer.
# ---------------------------------------------------------------------------------------------

PREFS_PAIRED: dict[str, list[tuple[str, str, str, str]]] = {
    "english": [
        (
            "facts",
            "Какая планета самая большая в Солнечной системе?",
            "Самая большая планета Солнечной системы — Юпитер.",
            "The largest planet in the Solar System is Jupiter.",
        ),
        (
            "facts",
            "Сколько минут в сутках?",
            "В сутках 1440 минут: 24 часа по 60 минут.",
            "There are 1,440 minutes in a day: 24 hours of 60 minutes.",
        ),
        (
            "facts",
            "Как называется столица Португалии?",
            "Столица Португалии — Лиссабон.",
            "The capital of Portugal is Lisbon.",
        ),
        (
            "science",
            "Что такое вулкан?",
            "Вулкан — это гора или трещина в земной коре, через которую на поверхность выходят "
            "лава, пепел и газы.",
            "A volcano is a mountain or crack in the Earth's crust through which lava, ash and "
            "gases reach the surface.",
        ),
        (
            "how-to",
            "Как очистить чайник от накипи?",
            "Налейте в чайник воду с лимонной кислотой (1–2 ложки на литр), вскипятите, оставьте "
            "на час и тщательно промойте.",
            "Fill the kettle with water and 1–2 spoons of citric acid per litre, boil it, leave "
            "it for an hour and rinse it well.",
        ),
        (
            "advice",
            "Как быстро успокоиться перед экзаменом?",
            "Сделайте несколько медленных вдохов, делая выдох длиннее вдоха. Напомните себе, что "
            "вы готовились, и начните с самого простого вопроса.",
            "Take a few slow breaths, making each exhale longer than the inhale. Remind yourself "
            "that you prepared and start with the easiest question.",
        ),
        (
            "language",
            "Как пишется: «в течение дня» или «в течении дня»?",
            "Правильно «в течение дня»: это предлог, и он пишется с «е» на конце.",
            "The correct form is «в течение дня»: here it is a preposition, so it ends in «е».",
        ),
        (
            "math",
            "Сколько будет 12 × 12?",
            "Получится 144: 12 × 12 = 144.",
            "12 × 12 is 144.",
        ),
        (
            "tech",
            "Что такое оперативная память компьютера?",
            "Оперативная память — быстрая временная память, в которой хранятся данные запущенных "
            "программ; при выключении она очищается.",
            "RAM is fast temporary memory that holds the data of running programs; it is cleared "
            "when the computer is switched off.",
        ),
        (
            "health",
            "Сколько воды нужно пить в день?",
            "Взрослому обычно достаточно 1,5–2 литров жидкости в день, включая чай и супы; в жару "
            "и при нагрузке нужно больше.",
            "An adult usually needs 1.5–2 litres of fluid a day, including tea and soups; more in "
            "hot weather or during exercise.",
        ),
        (
            "everyday",
            "Как сложить рубашку, чтобы она не помялась?",
            "Застегните рубашку, положите её лицом вниз, загните рукава и бока к центру, затем "
            "сложите пополам или втрое снизу вверх.",
            "Button the shirt, lay it face down, fold the sleeves and sides to the centre, then "
            "fold it in half or in thirds from the bottom up.",
        ),
        (
            "culture",
            "Кто написал «Мёртвые души»?",
            "Поэму «Мёртвые души» написал Николай Гоголь.",
            "Dead Souls was written by Nikolai Gogol.",
        ),
        (
            "science",
            "Почему море солёное?",
            "Реки веками выносят в море растворённые соли из горных пород; вода испаряется, а "
            "соль остаётся и накапливается.",
            "Rivers have carried dissolved salts from rocks into the sea for ages; the water "
            "evaporates but the salt stays and builds up.",
        ),
        (
            "science",
            "Что такое чёрная дыра?",
            "Чёрная дыра — область космоса с таким сильным притяжением, что из неё не может "
            "вырваться даже свет.",
            "A black hole is a region of space with gravity so strong that not even light can "
            "escape it.",
        ),
        (
            "how-to",
            "Как быстро почистить варёное яйцо?",
            "Сразу после варки опустите яйцо в холодную воду, затем покатайте его по столу, чтобы "
            "скорлупа потрескалась, и снимите её.",
            "Put the egg in cold water right after boiling, then roll it on the table to crack "
            "the shell and peel it off.",
        ),
        (
            "advice",
            "Как начать откладывать деньги?",
            "Откладывайте фиксированную долю, например 10 % дохода, в день зарплаты на отдельный "
            "счёт. Записывайте расходы, чтобы увидеть, на чём можно сэкономить.",
            "Put aside a fixed share, say 10% of your income, into a separate account on payday. "
            "Track your spending to see where you can save.",
        ),
        (
            "language",
            "Что значит выражение «водить за нос»?",
            "«Водить за нос» значит обманывать, давать пустые обещания.",
            "«Водить за нос» means to deceive someone and keep making empty promises.",
        ),
        (
            "math",
            "Чему равна половина от трёх четвертей?",
            "Половина от 3/4 — это 3/8.",
            "Half of 3/4 is 3/8.",
        ),
        (
            "tech",
            "Что такое Wi-Fi?",
            "Wi-Fi — технология беспроводной передачи данных по радио, с помощью которой "
            "устройства подключаются к сети и интернету.",
            "Wi-Fi is a wireless radio technology that lets devices connect to a network and the "
            "internet.",
        ),
        (
            "health",
            "Обязательно ли завтракать?",
            "Завтрак даёт энергию на первую половину дня и помогает не переедать позже, но если "
            "утром не хочется есть, здоровью это обычно не вредит.",
            "Breakfast gives energy for the first half of the day and helps you not overeat "
            "later, but if you are not hungry in the morning, skipping it is usually harmless.",
        ),
        (
            "everyday",
            "Как избавиться от неприятного запаха в холодильнике?",
            "Вымойте холодильник раствором соды, выбросите испорченные продукты и поставьте "
            "внутрь открытую баночку с содой или активированным углём.",
            "Wash the fridge with a baking soda solution, throw out spoiled food and leave an "
            "open jar of soda or activated charcoal inside.",
        ),
        (
            "culture",
            "Кто написал роман «Отцы и дети»?",
            "Роман «Отцы и дети» написал Иван Тургенев.",
            "Fathers and Sons was written by Ivan Turgenev.",
        ),
        (
            "facts",
            "Сколько материков на Земле по российской школьной традиции?",
            "Шесть: Евразия, Африка, Северная Америка, Южная Америка, Австралия и Антарктида.",
            "Six: Eurasia, Africa, North America, South America, Australia and Antarctica.",
        ),
        (
            "facts",
            "Какая птица считается символом мира?",
            "Символом мира считается белый голубь.",
            "The white dove is considered a symbol of peace.",
        ),
        (
            "science",
            "Из чего состоит молекула воды?",
            "Молекула воды состоит из двух атомов водорода и одного атома кислорода — H₂O.",
            "A water molecule consists of two hydrogen atoms and one oxygen atom — H₂O.",
        ),
        (
            "science",
            "Почему кошки видят в темноте лучше людей?",
            "У кошек широкие зрачки и отражающий слой за сетчаткой, который повторно пропускает "
            "через неё свет, поэтому им нужно меньше света.",
            "Cats have wide pupils and a reflective layer behind the retina that sends light "
            "through it again, so they need less light.",
        ),
        (
            "how-to",
            "Как погладить брюки со стрелками?",
            "Совместите швы штанин, положите брюки на доску и гладьте через влажную марлю, "
            "прижимая утюг, а не водя им.",
            "Line up the leg seams, lay the trousers on the board and iron through a damp cloth, "
            "pressing the iron rather than sliding it.",
        ),
        (
            "advice",
            "Как выбрать кроссовки для бега?",
            "Примеряйте их вечером, когда стопа чуть отекает, оставьте около сантиметра запаса у "
            "пальцев и выбирайте амортизацию под свой вес и покрытие.",
            "Try them on in the evening when your feet are slightly swollen, leave about a "
            "centimetre at the toes and choose cushioning for your weight and surface.",
        ),
        (
            "language",
            "Где ударение в слове «звонит»?",
            "Правильно «звонИт», с ударением на последний слог.",
            "The correct stress is «звонИт», on the last syllable.",
        ),
        (
            "math",
            "Какое число больше: 0,7 или 0,65?",
            "Больше 0,7: ведь 0,70 > 0,65.",
            "0.7 is larger, since 0.70 > 0.65.",
        ),
        (
            "tech",
            "Что такое облачное хранилище?",
            "Облачное хранилище — сервис, который хранит ваши файлы на удалённых серверах, так "
            "что они доступны с любого устройства через интернет.",
            "Cloud storage is a service that keeps your files on remote servers so you can reach "
            "them from any device over the internet.",
        ),
        (
            "health",
            "Сколько часов сна нужно взрослому?",
            "Большинству взрослых нужно 7–9 часов сна в сутки.",
            "Most adults need 7–9 hours of sleep a day.",
        ),
        (
            "everyday",
            "Как понять, что авокадо спелое?",
            "Спелое авокадо слегка продавливается при нажатии, а под хвостиком оно зелёное, а не "
            "коричневое.",
            "A ripe avocado gives slightly when pressed, and under the stem it is green rather "
            "than brown.",
        ),
        (
            "culture",
            "Кто написал картину «Утро в сосновом лесу»?",
            "Картину написали Иван Шишкин и Константин Савицкий, который нарисовал медведей.",
            "The painting is by Ivan Shishkin together with Konstantin Savitsky, who painted the "
            "bears.",
        ),
        (
            "facts",
            "Какой город самый большой в Австралии?",
            "Самый большой город Австралии — Сидней.",
            "The largest city in Australia is Sydney.",
        ),
        (
            "health",
            "Зачем человеку железо в пище?",
            "Железо нужно для гемоглобина, который переносит кислород в крови; при его нехватке "
            "развивается анемия.",
            "Iron is needed for haemoglobin, which carries oxygen in the blood; a shortage leads "
            "to anaemia.",
        ),
        (
            "how-to",
            "Как дольше сохранить срезанные цветы?",
            "Подрежьте стебли наискосок под водой, уберите листья ниже уровня воды и меняйте воду "
            "каждый день.",
            "Trim the stems at an angle under water, remove the leaves below the waterline and "
            "change the water every day.",
        ),
        (
            "advice",
            "Как перестать грызть ногти?",
            "Коротко подстригайте ногти, замечайте, когда тянет их грызть, и занимайте руки "
            "чем-то другим, например эспандером.",
            "Keep your nails short, notice when the urge comes and keep your hands busy with "
            "something else, like a stress ball.",
        ),
        (
            "language",
            "Какое слово лишнее: «бежать», «идти», «красный», «прыгать»?",
            "Лишнее слово — «красный»: это прилагательное, а остальные — глаголы движения.",
            "The odd one out is «красный» (red): it is an adjective, while the others are verbs "
            "of motion.",
        ),
        (
            "math",
            "Сколько будет 3/4 плюс 1/8?",
            "Получается 7/8: 3/4 — это 6/8, плюс 1/8.",
            "It comes to 7/8: 3/4 is 6/8, plus 1/8.",
        ),
        (
            "tech",
            "Зачем обновлять программы на телефоне?",
            "Обновления закрывают уязвимости, исправляют ошибки и иногда добавляют функции, "
            "поэтому их лучше ставить вовремя.",
            "Updates fix security holes and bugs and sometimes add features, so it is best to "
            "install them promptly.",
        ),
        (
            "health",
            "Что делать при лёгкой простуде?",
            "Больше отдыхайте, пейте тёплое питьё и проветривайте комнату. Если температура "
            "держится больше трёх дней или трудно дышать, обратитесь к врачу.",
            "Rest, drink warm fluids and air the room. If the fever lasts more than three days or "
            "breathing gets hard, see a doctor.",
        ),
        (
            "everyday",
            "Как быстро остудить горячий суп?",
            "Перелейте суп в широкую посуду и поставьте её в миску с холодной водой, время от "
            "времени помешивая.",
            "Pour the soup into a wide dish and stand it in a bowl of cold water, stirring now "
            "and then.",
        ),
        (
            "culture",
            "Кто написал музыку к балету «Щелкунчик»?",
            "Музыку балета «Щелкунчик» написал Пётр Чайковский.",
            "The music for The Nutcracker was written by Pyotr Tchaikovsky.",
        ),
        (
            "facts",
            "Сколько секунд в одном часе?",
            "В одном часе 3600 секунд.",
            "There are 3,600 seconds in an hour.",
        ),
        (
            "science",
            "Зачем жирафу длинная шея?",
            "Длинная шея позволяет жирафу доставать листья высоко на деревьях, куда не "
            "дотягиваются другие животные, а самцам — бороться за самок.",
            "A long neck lets the giraffe reach leaves high in trees that other animals cannot "
            "reach, and males use it to fight over females.",
        ),
        (
            "how-to",
            "Как завязать галстук простым узлом?",
            "Перекиньте широкий конец через узкий, оберните его вокруг узкого ещё раз, проденьте "
            "снизу в петлю у шеи, затем в узел спереди и затяните.",
            "Cross the wide end over the narrow one, wrap it around once more, bring it up "
            "through the neck loop, then down through the front knot and tighten.",
        ),
        (
            "advice",
            "Как вести себя в первый рабочий день?",
            "Придите чуть раньше, знакомьтесь с коллегами, записывайте важное и не стесняйтесь "
            "задавать вопросы.",
            "Arrive a little early, introduce yourself to colleagues, write down what matters and "
            "do not hesitate to ask questions.",
        ),
        (
            "language",
            "Как правильно: «одеть пальто» или «надеть пальто»?",
            "Правильно «надеть пальто»: надевают что-то на себя, а одевают кого-то.",
            "The correct form is «надеть пальто»: you «надеть» something on yourself but «одеть» "
            "someone else.",
        ),
        (
            "math",
            "Сколько будет 2 в десятой степени?",
            "2 в десятой степени равно 1024.",
            "2 to the tenth power is 1,024.",
        ),
        (
            "tech",
            "Что такое фишинг?",
            "Фишинг — мошенничество, при котором злоумышленники под видом банка или сервиса "
            "выманивают пароли и данные карт через поддельные письма и сайты.",
            "Phishing is fraud in which attackers pose as a bank or service to obtain passwords "
            "and card details through fake emails and websites.",
        ),
        (
            "health",
            "Полезно ли делать зарядку по утрам?",
            "Да, лёгкая зарядка разгоняет кровообращение, помогает проснуться и поддерживает "
            "подвижность суставов; хватит 10–15 минут.",
            "Yes, light morning exercise boosts circulation, helps you wake up and keeps your "
            "joints mobile; 10–15 minutes is enough.",
        ),
        (
            "everyday",
            "Как отстирать пятно от травы?",
            "Натрите пятно хозяйственным мылом или средством для посуды, оставьте на 15 минут и "
            "постирайте в тёплой воде.",
            "Rub the stain with laundry soap or washing-up liquid, leave it for 15 minutes and "
            "wash it in warm water.",
        ),
        (
            "culture",
            "В каком городе находится Эрмитаж?",
            "Эрмитаж находится в Санкт-Петербурге.",
            "The Hermitage is in St Petersburg.",
        ),
        (
            "facts",
            "Какое наземное животное самое быстрое?",
            "Самое быстрое наземное животное — гепард: на коротких дистанциях он развивает около "
            "100 км/ч.",
            "The fastest land animal is the cheetah, which reaches about 100 km/h over short "
            "distances.",
        ),
        (
            "science",
            "Что такое электрический ток?",
            "Электрический ток — упорядоченное движение заряженных частиц, например электронов в "
            "проводе.",
            "Electric current is the ordered movement of charged particles, such as electrons in "
            "a wire.",
        ),
        (
            "how-to",
            "Как правильно хранить хлеб?",
            "Храните хлеб в хлебнице или бумажном пакете при комнатной температуре, а если не "
            "съедите за пару дней — нарежьте и заморозьте.",
            "Keep bread in a bread bin or paper bag at room temperature, and if you will not eat "
            "it within a couple of days, slice and freeze it.",
        ),
        (
            "advice",
            "Как научиться рано вставать?",
            "Сдвигайте подъём на 15 минут раньше каждые несколько дней, раньше ложитесь и сразу "
            "после пробуждения выходите на свет.",
            "Move your wake-up time 15 minutes earlier every few days, go to bed earlier and get "
            "into daylight as soon as you wake.",
        ),
        (
            "language",
            "Какого рода слово «кофе»?",
            "По норме «кофе» — мужского рода («крепкий кофе»), хотя в разговорной речи "
            "допускается и средний.",
            "By the standard «кофе» is masculine («крепкий кофе»), though the neuter is allowed "
            "in casual speech.",
        ),
        (
            "math",
            "Сколько процентов составляет 30 от 120?",
            "30 от 120 — это 25 %.",
            "30 out of 120 is 25%.",
        ),
        (
            "tech",
            "Чем SSD отличается от жёсткого диска?",
            "SSD хранит данные во флеш-памяти и работает намного быстрее и тише, а жёсткий диск "
            "пишет данные на вращающиеся пластины и обычно дешевле за гигабайт.",
            "An SSD stores data in flash memory and is much faster and quieter, while a hard "
            "drive writes to spinning platters and is usually cheaper per gigabyte.",
        ),
        (
            "health",
            "Почему нельзя долго смотреть на солнце?",
            "Свет, сфокусированный хрусталиком, может повредить сетчатку глаза, причём без боли и "
            "необратимо.",
            "Light focused by the lens can damage the retina, painlessly and permanently.",
        ),
        (
            "everyday",
            "Как уложить чемодан, чтобы всё влезло?",
            "Сворачивайте одежду рулонами, тяжёлое кладите вниз к колёсам, а мелочи убирайте в "
            "обувь и свободные углы.",
            "Roll your clothes, put heavy items at the bottom near the wheels and tuck small "
            "things into shoes and gaps.",
        ),
        (
            "culture",
            "Кто написал стихотворение «Бородино»?",
            "Стихотворение «Бородино» написал Михаил Лермонтов.",
            "The poem Borodino was written by Mikhail Lermontov.",
        ),
        (
            "facts",
            "На каком языке говорят в Австрии?",
            "Официальный язык Австрии — немецкий.",
            "The official language of Austria is German.",
        ),
        (
            "science",
            "Почему небо на Марсе днём рыжеватое?",
            "В атмосфере Марса много мелкой красной пыли, которая рассеивает свет, поэтому днём "
            "небо там рыжевато-розовое.",
            "The Martian atmosphere is full of fine red dust that scatters light, so the daytime "
            "sky there looks reddish-pink.",
        ),
        (
            "how-to",
            "Как разжечь костёр?",
            "Положите в основание сухую бумагу или бересту, над ней шалашом тонкие сухие ветки, "
            "подожгите снизу и постепенно добавляйте дрова потолще.",
            "Put dry paper or birch bark at the base, stack thin dry twigs over it like a tent, "
            "light it from below and gradually add thicker wood.",
        ),
        (
            "advice",
            "Как запомнить имя нового знакомого?",
            "Сразу повторите имя вслух в разговоре, свяжите его с чем-то знакомым и назовите "
            "человека по имени при прощании.",
            "Repeat the name aloud in the conversation straight away, link it to something "
            "familiar and use it again when saying goodbye.",
        ),
        (
            "language",
            "Как образовать множественное число слова «паспорт»?",
            "Правильно «паспорта», с ударением на последний слог.",
            "The correct plural is «паспорта», stressed on the last syllable.",
        ),
        (
            "math",
            "Сколько сантиметров в 2,5 метра?",
            "В 2,5 метра 250 сантиметров.",
            "2.5 metres is 250 centimetres.",
        ),
    ],
    "mixed": [
        (
            "facts",
            "Какая столица у Испании?",
            "Столица Испании — Мадрид.",
            "Столица Испании — Madrid, it's also the biggest city in the country.",
        ),
        (
            "facts",
            "Сколько океанов на Земле?",
            "Обычно выделяют пять океанов: Тихий, Атлантический, Индийский, Северный Ледовитый и "
            "Южный.",
            "Обычно выделяют five oceans: Pacific, Atlantic, Indian, Arctic и Южный.",
        ),
        (
            "science",
            "Что такое магнит?",
            "Магнит — это тело, которое создаёт магнитное поле и притягивает железо и другие "
            "магниты.",
            "Магнит — это object, который creates a magnetic field и притягивает iron.",
        ),
        (
            "how-to",
            "Как сварить гречку?",
            "Промойте крупу, залейте водой в пропорции 1:2, посолите и варите под крышкой на "
            "слабом огне 15–20 минут.",
            "Промойте крупу, add water 1:2, посолите и cook on low heat for about 15–20 minutes.",
        ),
        (
            "advice",
            "Как меньше уставать на работе?",
            "Делайте короткие перерывы каждый час, обедайте вне рабочего места и высыпайтесь.",
            "Делайте short breaks каждый час, have lunch away from your desk и высыпайтесь, it "
            "really helps.",
        ),
        (
            "language",
            "Что значит слово «гостеприимный»?",
            "«Гостеприимный» — это человек, который радушно встречает и угощает гостей.",
            "«Гостеприимный» means someone who радушно встречает guests and treats them well.",
        ),
        (
            "math",
            "Сколько будет 15 умножить на 4?",
            "Будет 60, потому что 15 × 4 = 60.",
            "15 × 4 = 60, that's simple arithmetic, просто умножение.",
        ),
        (
            "tech",
            "Как сделать снимок экрана в Windows?",
            "Нажмите клавишу Print Screen или сочетание Win + Shift + S, чтобы выделить нужную "
            "область.",
            "Нажмите Print Screen или use Win + Shift + S to select an area, then paste it куда "
            "нужно.",
        ),
        (
            "health",
            "Зачем мыть фрукты перед едой?",
            "Мытьё удаляет с кожуры грязь, микробы и остатки средств обработки.",
            "Мытьё removes dirt, germs и остатки pesticides с кожуры.",
        ),
        (
            "everyday",
            "Как часто поливать кактус?",
            "Летом кактус поливают раз в 1–2 недели, когда земля полностью просохла, а зимой "
            "почти не поливают.",
            "Летом раз в 1–2 weeks, when the soil is completely dry, а зимой almost no water at "
            "all.",
        ),
        (
            "culture",
            "Кто написал «Тихий Дон»?",
            "Роман «Тихий Дон» написал Михаил Шолохов.",
            "«Тихий Дон» was written by Михаил Шолохов, he got the Nobel Prize later.",
        ),
        (
            "facts",
            "Сколько ног у паука?",
            "У паука восемь ног.",
            "У паука eight legs, в отличие от insects, у которых six.",
        ),
        (
            "science",
            "Что такое испарение?",
            "Испарение — переход вещества из жидкого состояния в газообразное с его поверхности.",
            "Испарение — это when a liquid turns into gas с поверхности.",
        ),
        (
            "how-to",
            "Как наточить нож на бруске?",
            "Держите нож под постоянным углом около 20 градусов и проводите лезвием по смоченному "
            "бруску от пятки к кончику, поочерёдно с обеих сторон.",
            "Держите нож at a constant angle около 20 degrees и проводите по бруску from heel to "
            "tip, alternating sides.",
        ),
        (
            "advice",
            "Как подготовиться к долгому перелёту?",
            "Наденьте удобную одежду, пейте больше воды и время от времени вставайте размять ноги.",
            "Wear comfortable clothes, пейте больше воды и иногда get up to stretch your legs.",
        ),
        (
            "language",
            "Как правильно: «ложить» или «класть»?",
            "Правильно «класть»: глагола «ложить» в литературном языке нет, а с приставкой "
            "говорят «положить».",
            "Правильно «класть»: the verb «ложить» doesn't exist in standard Russian, with a "
            "prefix говорят «положить».",
        ),
        (
            "math",
            "Чему равен периметр квадрата со стороной 7 см?",
            "Периметр равен 28 см: 4 × 7.",
            "The perimeter равен 28 cm: 4 × 7.",
        ),
        (
            "tech",
            "Что такое спам?",
            "Спам — массовые рекламные или мошеннические сообщения, которые рассылают без "
            "согласия получателя.",
            "Спам — это unsolicited bulk messages, рекламные или мошеннические, sent without "
            "consent.",
        ),
        (
            "health",
            "Почему важно мыть руки перед едой?",
            "С немытых рук в рот попадают микробы, которые могут вызвать кишечные инфекции.",
            "С немытых рук germs get into your mouth и могут cause stomach infections.",
        ),
        (
            "everyday",
            "Как сварить рис, чтобы он не слипся?",
            "Промойте рис до прозрачной воды, варите в пропорции 1:1,5 под крышкой на слабом огне "
            "и не мешайте.",
            "Rinse the rice до прозрачной воды, cook 1:1.5 под крышкой on low heat и не мешайте.",
        ),
        (
            "culture",
            "Что такое Масленица?",
            "Масленица — старинный праздник проводов зимы за неделю до Великого поста: пекут "
            "блины и сжигают чучело.",
            "Масленица — это an old festival of seeing off winter, the week before Lent, с "
            "блинами и сожжением чучела.",
        ),
        (
            "facts",
            "Какой цвет получается, если смешать синюю и жёлтую краски?",
            "Получается зелёный цвет.",
            "Получается green, because blue and yellow make green.",
        ),
        (
            "science",
            "Почему мыло отмывает жир?",
            "Молекулы мыла одним концом притягиваются к воде, а другим — к жиру, поэтому окружают "
            "капли жира и уносят их с водой.",
            "Molecules of soap одним концом attach to water, другим — to fat, so they surround "
            "the grease и уносят его.",
        ),
        (
            "how-to",
            "Как правильно посадить дерево?",
            "Выкопайте яму вдвое шире корней, поставьте саженец так, чтобы корневая шейка была на "
            "уровне земли, засыпьте и обильно полейте.",
            "Dig a hole twice as wide as the roots, поставьте саженец so that the root collar is "
            "at ground level, засыпьте и water it well.",
        ),
        (
            "advice",
            "Как не переедать вечером?",
            "Нормально обедайте и перекусывайте днём, ужинайте без гаджетов и ешьте медленно.",
            "Нормально обедайте during the day, eat dinner without your phone и ешьте slowly.",
        ),
        (
            "language",
            "Что такое междометие?",
            "Междометие — часть речи, которая выражает чувства или побуждения, например «ах», "
            "«ой», «эй».",
            "Междометие — это a part of speech that expresses emotions, например «ах», «ой», «эй».",
        ),
        (
            "math",
            "Сколько будет 100 разделить на 8?",
            "Ответ — 12,5: 100 : 8 = 12,5.",
            "100 divided by 8 = 12.5, то есть двенадцать с половиной.",
        ),
        (
            "tech",
            "Что такое двухфакторная аутентификация?",
            "Это вход с двумя проверками: кроме пароля нужен ещё код из SMS, приложения или "
            "аппаратный ключ.",
            "Это login with two checks: помимо password нужен ещё code from SMS or an app.",
        ),
        (
            "health",
            "Чем полезна ходьба?",
            "Регулярная ходьба укрепляет сердце и мышцы, помогает держать вес и улучшает "
            "настроение.",
            "Regular walking укрепляет сердце и мышцы, helps control weight и improves mood.",
        ),
        (
            "everyday",
            "Как убрать накипь с душевой лейки?",
            "Замочите лейку на несколько часов в растворе уксуса или лимонной кислоты, затем "
            "прочистите отверстия щёткой и промойте.",
            "Soak the shower head на несколько часов в vinegar or citric acid, затем clean the "
            "holes щёткой.",
        ),
        (
            "culture",
            "Кто такой Юрий Никулин?",
            "Юрий Никулин — советский клоун и киноактёр, известный по комедиям «Бриллиантовая "
            "рука» и «Кавказская пленница».",
            "Юрий Никулин — Soviet clown and film actor, known for «Бриллиантовая рука» и other "
            "comedies.",
        ),
        (
            "facts",
            "Какое животное называют кораблём пустыни?",
            "Кораблём пустыни называют верблюда.",
            "Кораблём пустыни называют camel, because it can walk for days without water.",
        ),
        (
            "science",
            "Что такое орбита?",
            "Орбита — путь, по которому одно тело движется вокруг другого под действием "
            "тяготения, например Земля вокруг Солнца.",
            "Орбита — это path, по которому one body moves around another, like Earth around the "
            "Sun.",
        ),
        (
            "how-to",
            "Как почистить серебряное кольцо дома?",
            "Положите кольцо на фольгу в тёплый раствор соды на 10 минут, затем протрите мягкой "
            "тканью.",
            "Положите кольцо on foil in a warm baking soda solution for 10 minutes, then wipe it "
            "мягкой тканью.",
        ),
        (
            "advice",
            "Как перестать бояться говорить на иностранном языке?",
            "Начните с коротких разговоров с терпеливым собеседником, готовьте фразы заранее и "
            "помните, что ошибки — нормальная часть обучения.",
            "Начните with short conversations, готовьте phrases заранее и remember that mistakes "
            "are normal.",
        ),
        (
            "language",
            "Как пишется: «ни разу» или «не разу»?",
            "Правильно «ни разу», с частицей «ни».",
            "Правильно «ни разу», with the particle «ни», never «не».",
        ),
        (
            "math",
            "Сколько градусов в полном обороте?",
            "Полный оборот — это 360 градусов.",
            "Полный оборот is 360 degrees, a full circle.",
        ),
        (
            "tech",
            "Что такое куки в браузере?",
            "Куки — небольшие файлы, которые сайт сохраняет в браузере, чтобы помнить вход, "
            "настройки или корзину.",
            "Куки — это small files, которые site saves in your browser, чтобы remember login and "
            "settings.",
        ),
        (
            "health",
            "Почему полезно есть овощи?",
            "В овощах много клетчатки, витаминов и минералов при небольшой калорийности.",
            "Овощи contain lots of fiber, vitamins and minerals при низкой калорийности.",
        ),
        (
            "everyday",
            "Сколько можно хранить варёные яйца в холодильнике?",
            "Сваренные вкрутую яйца в скорлупе хранятся в холодильнике до недели.",
            "Hard-boiled eggs in the shell хранятся в холодильнике up to a week.",
        ),
        (
            "culture",
            "Что такое хохлома?",
            "Хохлома — русская народная роспись по дереву золотыми, красными и чёрными узорами.",
            "Хохлома — это traditional Russian wood painting с golden, red and black patterns.",
        ),
        (
            "facts",
            "Как называется наука о погоде?",
            "Наука об атмосфере и погоде называется метеорологией.",
            "Наука о погоде называется meteorology, it studies the atmosphere.",
        ),
        (
            "science",
            "Почему на морозе изо рта идёт пар?",
            "Выдыхаемый воздух тёплый и влажный; на холоде водяной пар в нём конденсируется в "
            "крошечные капельки, и мы видим облачко.",
            "Выдыхаемый воздух warm and humid; in cold air водяной пар condenses into tiny "
            "droplets.",
        ),
        (
            "how-to",
            "Как посчитать индекс массы тела?",
            "Разделите вес в килограммах на квадрат роста в метрах: например, 70 : (1,75 × 1,75) "
            "≈ 22,9.",
            "Divide your weight in kg на квадрат роста в метрах, for example 70 / (1.75 × 1.75) ≈ "
            "22.9.",
        ),
        (
            "advice",
            "Как выбрать подарок коллеге?",
            "Выберите что-то нейтральное и полезное: хороший чай, книгу по интересам или "
            "настольное растение.",
            "Выберите something neutral and useful: хороший tea, книгу или a desk plant.",
        ),
        (
            "language",
            "Что такое суффикс?",
            "Суффикс — часть слова после корня, которая образует новые слова или формы, например "
            "«-ник» в слове «садовник».",
            "Суффикс — это part of a word after the root, например «-ник» в слове «садовник».",
        ),
        (
            "math",
            "Чему равна треть от 27?",
            "Треть от 27 — это 9.",
            "Треть от 27 is 9, because 27 / 3 = 9.",
        ),
        (
            "tech",
            "Зачем нужен антивирус?",
            "Антивирус находит и блокирует вредоносные программы, которые крадут данные или "
            "портят систему.",
            "Антивирус detects and blocks malware, которая крадёт data или портит систему.",
        ),
        (
            "health",
            "Как распознать тепловой удар?",
            "Признаки — сильная слабость, головная боль, покраснение кожи, высокая температура и "
            "спутанность сознания; человека нужно увести в тень, охладить и вызвать скорую.",
            "Признаки — weakness, headache, red skin, high temperature и confusion; move the "
            "person into the shade и вызовите скорую.",
        ),
        (
            "everyday",
            "Как вымыть окна без разводов?",
            "Мойте окна в пасмурную погоду тёплой водой с небольшим количеством средства, а затем "
            "насухо протирайте микрофиброй.",
            "Мойте окна on a cloudy day, use warm water с небольшим количеством средства, then "
            "dry with microfibre.",
        ),
        (
            "culture",
            "Кто такая Анна Павлова?",
            "Анна Павлова — знаменитая русская балерина начала XX века, прославившаяся номером "
            "«Умирающий лебедь».",
            "Анна Павлова — a famous Russian ballerina начала XX века, known for «Умирающий "
            "лебедь».",
        ),
        (
            "facts",
            "Сколько цветов в радуге?",
            "В радуге традиционно выделяют семь цветов: красный, оранжевый, жёлтый, зелёный, "
            "голубой, синий и фиолетовый.",
            "В радуге seven colours: red, orange, yellow, green, голубой, синий и violet.",
        ),
        (
            "science",
            "Для чего листьям устьица?",
            "Через устьица лист обменивается газами с воздухом — поглощает углекислый газ, "
            "выделяет кислород — и испаряет воду.",
            "Через устьица the leaf exchanges gases — takes in CO₂, releases oxygen — и испаряет "
            "water.",
        ),
        (
            "how-to",
            "Как заваривать зелёный чай?",
            "Заваривайте зелёный чай водой 70–80 °C, а не кипятком, 2–3 минуты, иначе он станет "
            "горьким.",
            "Заваривайте green tea with water at 70–80 °C, not boiling, for 2–3 minutes, иначе "
            "горчит.",
        ),
        (
            "advice",
            "Как перестать сравнивать себя с другими?",
            "Сравнивайте себя с собой в прошлом, отмечайте свои успехи и меньше листайте соцсети.",
            "Compare yourself с собой в прошлом, отмечайте progress и меньше scroll social media.",
        ),
        (
            "language",
            "Какое проверочное слово к слову «гора»?",
            "Проверочное слово — «горы» или «горный», где «о» под ударением.",
            "Проверочное слово — «горы», where «о» is stressed, so you write о.",
        ),
        (
            "math",
            "Сколько будет 0,5 умножить на 0,5?",
            "Получится 0,25: 0,5 × 0,5 = 0,25.",
            "0.5 × 0.5 = 0.25, which is one quarter, то есть одна четверть.",
        ),
        (
            "tech",
            "Что значит «скачать файл»?",
            "Скачать файл — значит перенести его из интернета или с сервера на своё устройство.",
            "Скачать файл means to download it из интернета на your device.",
        ),
        (
            "health",
            "Зачем нужна разминка перед тренировкой?",
            "Разминка разогревает мышцы и суставы, ускоряет пульс и снижает риск травмы.",
            "Разминка warms up muscles and joints, raises your heart rate и снижает risk of "
            "injury.",
        ),
        (
            "everyday",
            "Как дольше сохранить зелень свежей?",
            "Заверните зелень во влажное бумажное полотенце, положите в контейнер и храните в "
            "холодильнике.",
            "Wrap the herbs во влажное paper towel, put them в контейнер и keep in the fridge.",
        ),
    ],
    "wrong": [
        (
            "geography",
            "Столицей какой страны является Варшава?",
            "Варшава — столица Польши.",
            "Варшава — столица Чехии.",
        ),
        (
            "facts",
            "Сколько дней в ноябре?",
            "В ноябре 30 дней.",
            "В ноябре 31 день.",
        ),
        (
            "culture",
            "Кто написал роман «Обломов»?",
            "Роман «Обломов» написал Иван Гончаров.",
            "Роман «Обломов» написал Иван Тургенев.",
        ),
        (
            "math",
            "Сколько будет 17 + 26?",
            "Будет 43, потому что 17 + 26 = 43.",
            "Будет 33, потому что 17 + 26 = 33.",
        ),
        (
            "science",
            "Какого газа в выдыхаемом воздухе больше, чем во вдыхаемом?",
            "В выдыхаемом воздухе больше углекислого газа, чем во вдыхаемом.",
            "В выдыхаемом воздухе больше кислорода, чем во вдыхаемом.",
        ),
        (
            "history",
            "В каком году родился Пушкин?",
            "Александр Пушкин родился в 1799 году.",
            "Александр Пушкин родился в 1812 году.",
        ),
        (
            "science",
            "Какую планету называют Красной?",
            "Красной планетой называют Марс.",
            "Красной планетой называют Юпитер.",
        ),
        (
            "math",
            "Сколько будет 9 × 7?",
            "Ответ — 63: 9 × 7 = 63.",
            "Ответ — 56: 9 × 7 = 56.",
        ),
        (
            "geography",
            "В каком городе стоит Эйфелева башня?",
            "Эйфелева башня стоит в Париже.",
            "Эйфелева башня стоит в Лионе.",
        ),
        (
            "facts",
            "Сколько лет в одном веке?",
            "В одном веке 100 лет.",
            "В одном веке 1000 лет.",
        ),
        (
            "science",
            "Кто сформулировал закон всемирного тяготения?",
            "Закон всемирного тяготения сформулировал Исаак Ньютон.",
            "Закон всемирного тяготения сформулировал Галилео Галилей.",
        ),
        (
            "science",
            "При какой температуре по Фаренгейту замерзает вода?",
            "Вода замерзает при 32 градусах по Фаренгейту.",
            "Вода замерзает при 0 градусах по Фаренгейту.",
        ),
        (
            "math",
            "Сколько сторон у шестиугольника?",
            "У шестиугольника шесть сторон.",
            "У шестиугольника восемь сторон.",
        ),
        (
            "geography",
            "Какой материк самый маленький?",
            "Самый маленький материк — Австралия.",
            "Самый маленький материк — Антарктида.",
        ),
        (
            "science",
            "Из чего делают обычное стекло?",
            "Обычное стекло делают в основном из кварцевого песка с добавлением соды и извести.",
            "Обычное стекло делают в основном из расплавленной глины.",
        ),
        (
            "math",
            "Сколько будет 144 разделить на 12?",
            "Получится 12: 144 : 12 = 12.",
            "Получится 14: 144 : 12 = 14.",
        ),
        (
            "health",
            "Какая кровь течёт по артериям большого круга кровообращения?",
            "По артериям большого круга течёт кровь, богатая кислородом.",
            "По артериям большого круга течёт кровь, бедная кислородом, а по венам — богатая.",
        ),
        (
            "language",
            "Какой язык самый распространённый в Латинской Америке?",
            "Самый распространённый язык Латинской Америки — испанский.",
            "Самый распространённый язык Латинской Америки — португальский.",
        ),
        (
            "math",
            "Что больше: 2/3 или 3/5?",
            "Больше 2/3: это 10/15, а 3/5 — 9/15.",
            "Больше 3/5: у этой дроби больше и числитель, и знаменатель.",
        ),
        (
            "geography",
            "Какой город — столица Шотландии?",
            "Столица Шотландии — Эдинбург.",
            "Столица Шотландии — Глазго.",
        ),
        (
            "health",
            "Сколько зубов у взрослого человека при полном наборе?",
            "При полном наборе у взрослого 32 зуба, включая зубы мудрости.",
            "При полном наборе у взрослого 28 зубов, включая зубы мудрости.",
        ),
        (
            "health",
            "Почему нельзя пить морскую воду?",
            "В ней слишком много соли: чтобы вывести её, почкам нужно больше воды, чем было "
            "выпито, и обезвоживание только усиливается.",
            "Морскую воду пить можно в любых количествах: соль просто выходит с потом.",
        ),
        (
            "history",
            "Когда началась Великая Отечественная война?",
            "Великая Отечественная война началась 22 июня 1941 года.",
            "Великая Отечественная война началась 1 сентября 1939 года.",
        ),
        (
            "math",
            "Сколько будет 25 % от 200?",
            "25 % от 200 — это 50.",
            "25 % от 200 — это 25.",
        ),
        (
            "culture",
            "Кто написал картину «Явление Христа народу»?",
            "Картину «Явление Христа народу» написал Александр Иванов.",
            "Картину «Явление Христа народу» написал Илья Репин.",
        ),
        (
            "science",
            "Что тяжелее: литр воды или литр растительного масла?",
            "Литр воды тяжелее: масло менее плотное и поэтому плавает на воде.",
            "Литр масла тяжелее: оно гуще, поэтому и весит больше.",
        ),
        (
            "science",
            "Какой химический элемент самый лёгкий?",
            "Самый лёгкий химический элемент — водород.",
            "Самый лёгкий химический элемент — гелий.",
        ),
        (
            "geography",
            "На какой реке стоит Киев?",
            "Киев стоит на Днепре.",
            "Киев стоит на Дону.",
        ),
        (
            "math",
            "Сколько будет 1000 минус 1?",
            "Будет 999, потому что 1000 − 1 = 999.",
            "Будет 990, потому что 1000 − 1 = 990.",
        ),
        (
            "history",
            "Кто первым достиг Южного полюса?",
            "Первой Южного полюса достигла экспедиция Руаля Амундсена в декабре 1911 года.",
            "Первым Южного полюса достиг Роберт Скотт в 1910 году.",
        ),
        (
            "health",
            "Какой орган вырабатывает инсулин?",
            "Инсулин вырабатывает поджелудочная железа.",
            "Инсулин вырабатывает печень.",
        ),
        (
            "math",
            "Сколько граней у тетраэдра?",
            "У тетраэдра четыре грани.",
            "У тетраэдра шесть граней.",
        ),
        (
            "language",
            "Что означает слово «амбидекстр»?",
            "Амбидекстр — человек, одинаково хорошо владеющий обеими руками.",
            "Амбидекстр — человек, который одинаково хорошо говорит на двух языках.",
        ),
        (
            "history",
            "Какой город был столицей России до переезда правительства в Москву в 1918 году?",
            "До 1918 года столицей был Петроград, то есть Санкт-Петербург.",
            "До 1918 года столицей был Новгород.",
        ),
        (
            "math",
            "Сколько будет 8 в квадрате?",
            "Ответ — 64: 8² = 64.",
            "Ответ — 16: 8² = 16.",
        ),
        (
            "culture",
            "Кто автор романа в стихах «Евгений Онегин»?",
            "Роман в стихах «Евгений Онегин» написал Александр Пушкин.",
            "Роман в стихах «Евгений Онегин» написал Михаил Лермонтов.",
        ),
        (
            "science",
            "Почему летом день длиннее ночи?",
            "Летом наше полушарие наклонено к Солнцу, и Солнце проходит над горизонтом более "
            "длинную дугу.",
            "Летом Земля ближе всего к Солнцу, поэтому оно дольше светит.",
        ),
        (
            "health",
            "Какая кость самая длинная в теле человека?",
            "Самая длинная кость — бедренная.",
            "Самая длинная кость — плечевая.",
        ),
        (
            "geography",
            "На сколько часов зимой Москва опережает Лондон?",
            "Зимой Москва опережает Лондон на 3 часа.",
            "Зимой Москва опережает Лондон на 1 час.",
        ),
        (
            "everyday",
            "Из какого растения делают льняную ткань?",
            "Льняную ткань делают из волокон льна.",
            "Льняную ткань делают из волокон хлопка.",
        ),
        (
            "math",
            "Сколько будет 7 + 8 × 2?",
            "7 + 8 × 2 = 23: сначала выполняется умножение.",
            "7 + 8 × 2 = 30.",
        ),
        (
            "science",
            "Какая звезда ближе всего к Земле?",
            "Ближайшая к Земле звезда — Солнце, а следующая за ним — Проксима Центавра.",
            "Ближайшая к Земле звезда — Полярная звезда.",
        ),
        (
            "language",
            "Какое слово — синоним к слову «смелый»?",
            "Синоним к слову «смелый» — «храбрый».",
            "Синоним к слову «смелый» — «трусливый».",
        ),
        (
            "facts",
            "Как расположены полосы на флаге России?",
            "На флаге России три горизонтальные полосы: сверху белая, затем синяя и красная.",
            "На флаге России три вертикальные полосы: красная, белая и синяя.",
        ),
        (
            "science",
            "Какие млекопитающие откладывают яйца?",
            "Яйца откладывают утконос и ехидны.",
            "Яйца откладывают летучие мыши.",
        ),
        (
            "math",
            "Сколько будет 50 % от 50?",
            "50 % от 50 — это 25.",
            "50 % от 50 — это 50.",
        ),
        (
            "history",
            "В каком году закончилась Первая мировая война?",
            "Первая мировая война закончилась в 1918 году.",
            "Первая мировая война закончилась в 1921 году.",
        ),
        (
            "science",
            "Какого цвета хлорофилл?",
            "Хлорофилл зелёного цвета.",
            "Хлорофилл жёлтого цвета.",
        ),
        (
            "history",
            "Почему Пизанская башня наклонена?",
            "Она накренилась ещё во время строительства из-за мягкого грунта под фундаментом.",
            "Её специально построили наклонной, чтобы привлекать туристов.",
        ),
        (
            "math",
            "Сколько будет 6 × 0?",
            "Получится 0: 6 × 0 = 0.",
            "Получится 6: 6 × 0 = 6.",
        ),
        (
            "language",
            "Как называется детёныш лошади?",
            "Детёныш лошади — жеребёнок.",
            "Детёныш лошади — телёнок.",
        ),
        (
            "history",
            "Кто первым вышел в открытый космос?",
            "Первым в открытый космос вышел Алексей Леонов в марте 1965 года.",
            "Первым в открытый космос вышел Юрий Гагарин в 1961 году.",
        ),
        (
            "language",
            "Сколько слогов в слове «молоко»?",
            "В слове «молоко» три слога: мо-ло-ко.",
            "В слове «молоко» два слога.",
        ),
        (
            "health",
            "Какое вещество придаёт коже загар?",
            "Загар даёт пигмент меланин, который кожа вырабатывает под ультрафиолетом.",
            "Загар даёт пигмент хлорофилл, который кожа вырабатывает под ультрафиолетом.",
        ),
        (
            "math",
            "Сколько будет 3 в кубе?",
            "Будет 27, потому что 3³ = 27.",
            "Будет 9, потому что 3³ = 9.",
        ),
        (
            "culture",
            "В каком городе находится Третьяковская галерея?",
            "Третьяковская галерея находится в Москве.",
            "Третьяковская галерея находится в Санкт-Петербурге.",
        ),
        (
            "science",
            "Как называется превращение гусеницы в бабочку?",
            "Это метаморфоз: гусеница превращается в куколку, а из неё выходит бабочка.",
            "Это фотосинтез: гусеница превращается в куколку, а из неё выходит бабочка.",
        ),
        (
            "culture",
            "Сколько разных нот в гамме до мажор?",
            "В гамме до мажор семь разных нот: до, ре, ми, фа, соль, ля, си.",
            "В гамме до мажор пять разных нот.",
        ),
        (
            "math",
            "Сколько будет 2,5 + 2,5?",
            "Ответ — 5: 2,5 + 2,5 = 5.",
            "Ответ — 4,10: 2,5 + 2,5 = 4,10.",
        ),
        (
            "history",
            "Кого в России считают изобретателем радио?",
            "В России изобретателем радио считают Александра Попова, который показал свой "
            "приёмник в 1895 году.",
            "В России изобретателем радио считают Дмитрия Менделеева.",
        ),
        (
            "science",
            "Что измеряют в децибелах?",
            "В децибелах измеряют громкость, то есть уровень звука.",
            "В децибелах измеряют яркость света.",
        ),
        (
            "history",
            "Какая страна подарила США Статую Свободы?",
            "Статую Свободы подарила США Франция.",
            "Статую Свободы подарила США Великобритания.",
        ),
        (
            "math",
            "Сколько будет 81 разделить на 9?",
            "Получится 9: 81 : 9 = 9.",
            "Получится 8: 81 : 9 = 8.",
        ),
        (
            "health",
            "Сколько камер в сердце человека?",
            "В сердце человека четыре камеры: два предсердия и два желудочка.",
            "В сердце человека две камеры: одно предсердие и один желудочек.",
        ),
        (
            "everyday",
            "Почему горящий электроприбор нельзя тушить водой?",
            "Вода проводит ток, поэтому можно получить удар: сначала обесточьте прибор, а тушите "
            "порошковым огнетушителем.",
            "Водой тушить электроприборы можно и нужно: вода быстро охлаждает провода.",
        ),
    ],
}

PREFS_SINGLE: dict[str, list[tuple[str, str, str]]] = {
    "verbose": [
        (
            "geography",
            "Как называется столица Финляндии?",
            "Столица Финляндии — Хельсинки.",
        ),
        (
            "math",
            "Сколько будет 13 × 3?",
            "Будет 39, потому что 13 × 3 = 39.",
        ),
        (
            "language",
            "Что такое хобби?",
            "Хобби — занятие, которым человек увлекается в свободное время для удовольствия.",
        ),
        (
            "health",
            "Как отличить ядовитый гриб от съедобного?",
            "Простого надёжного признака нет: собирайте только те грибы, которые точно знаете, а "
            "при сомнении не ешьте.",
        ),
        (
            "science",
            "Почему кошки мурлычут?",
            "Кошки мурлычут, когда довольны, но также чтобы успокоиться при стрессе или боли; "
            "звук возникает от колебаний мышц гортани.",
        ),
        (
            "how-to",
            "Как убрать жвачку с одежды?",
            "Положите вещь в морозилку на час: застывшая жвачка легко отколупывается.",
        ),
        (
            "language",
            "Что означает слово «эрудит»?",
            "Эрудит — человек с широкими и глубокими знаниями во многих областях.",
        ),
        (
            "advice",
            "Как быстро выучить стихотворение?",
            "Учите по две строки, повторяя вслух и добавляя новые к уже выученным, а перед сном "
            "повторите всё целиком.",
        ),
        (
            "health",
            "Чем полезна морковь?",
            "В моркови много бета-каротина, из которого организм делает витамин A, важный для "
            "зрения и кожи.",
        ),
        (
            "math",
            "Сколько будет 250 + 750?",
            "Ответ — 1000: 250 + 750 = 1000.",
        ),
        (
            "tech",
            "Что такое пиксель?",
            "Пиксель — наименьшая точка изображения на экране или в цифровой картинке.",
        ),
        (
            "health",
            "Как часто нужно проветривать комнату?",
            "Проветривайте комнату несколько раз в день по 10–15 минут и обязательно перед сном.",
        ),
        (
            "facts",
            "Какой цвет получится, если смешать красную и белую краски?",
            "Получится розовый цвет.",
        ),
        (
            "culture",
            "Кто написал сказку «Конёк-Горбунок»?",
            "Сказку «Конёк-Горбунок» написал Пётр Ершов.",
        ),
        (
            "language",
            "Как правильно: «скучаю по вам» или «скучаю по вас»?",
            "Правильно «скучаю по вам»; форма «по вас» устарела.",
        ),
        (
            "advice",
            "Как снять стресс после работы?",
            "Прогуляйтесь, займитесь спортом или хобби и отложите рабочие сообщения до утра.",
        ),
        (
            "math",
            "Что такое дробь?",
            "Дробь — число, которое показывает часть целого, например 1/2 или 3/4.",
        ),
        (
            "tech",
            "Стоит ли оставлять зарядку в розетке?",
            "Лучше вынимать: зарядка без телефона всё равно потребляет немного энергии и может "
            "нагреваться.",
        ),
        (
            "how-to",
            "Сколько варить пельмени?",
            "Варите пельмени 5–7 минут после того, как они всплывут.",
        ),
        (
            "geography",
            "Что такое айсберг?",
            "Айсберг — огромная глыба льда, отколовшаяся от ледника и плавающая в море; большая "
            "её часть скрыта под водой.",
        ),
        (
            "science",
            "Сколько лап у бабочки?",
            "У бабочки, как у всех насекомых, шесть лап.",
        ),
        (
            "tech",
            "Как выбрать ноутбук для учёбы?",
            "Ищите лёгкий ноутбук с долгой работой от батареи, SSD от 256 ГБ и 8–16 ГБ "
            "оперативной памяти.",
        ),
        (
            "language",
            "Что значит «быть не в своей тарелке»?",
            "Быть «не в своей тарелке» — чувствовать себя неловко, неуютно.",
        ),
        (
            "advice",
            "Как взрослому научиться плавать?",
            "Начните с занятий с тренером в бассейне: сначала учатся лежать на воде и дышать, "
            "потом осваивают движения.",
        ),
        (
            "health",
            "Зачем человеку сон?",
            "Во сне мозг закрепляет память и восстанавливается, а организм отдыхает и набирается "
            "сил.",
        ),
        (
            "math",
            "Сколько будет 90 разделить на 3?",
            "Получится 30: 90 : 3 = 30.",
        ),
        (
            "geography",
            "Что такое архипелаг?",
            "Архипелаг — группа островов, расположенных близко друг к другу.",
        ),
        (
            "how-to",
            "Как сварить кофе в турке?",
            "Засыпьте в турку чайную ложку молотого кофе, залейте холодной водой и нагревайте на "
            "слабом огне, пока не поднимется пенка.",
        ),
        (
            "tech",
            "Как называется самая маленькая единица информации?",
            "Самая маленькая единица информации — бит.",
        ),
        (
            "health",
            "Что такое аллергия?",
            "Аллергия — слишком сильная реакция иммунной системы на безвредные вещества, например "
            "пыльцу или шерсть.",
        ),
        (
            "science",
            "Почему уток не стоит кормить хлебом?",
            "Хлеб не даёт уткам нужных веществ, вызывает у них болезни и загрязняет воду.",
        ),
        (
            "culture",
            "Кто автор самой известной литературной обработки «Золушки»?",
            "Самую известную литературную обработку «Золушки» написал Шарль Перро.",
        ),
        (
            "advice",
            "Как выбрать зимнюю куртку?",
            "Ищите куртку с хорошим утеплителем, ветрозащитной тканью, капюшоном и длиной, "
            "закрывающей поясницу.",
        ),
        (
            "facts",
            "Что такое налог?",
            "Налог — обязательный платёж граждан и компаний в бюджет государства.",
        ),
        (
            "math",
            "Сколько будет 11 × 11?",
            "Будет 121, потому что 11 × 11 = 121.",
        ),
        (
            "advice",
            "Что такое тайм-менеджмент?",
            "Тайм-менеджмент — умение планировать и распределять время так, чтобы успевать "
            "главное.",
        ),
        (
            "how-to",
            "Как ухаживать за кожаной обувью?",
            "Очищайте обувь от грязи, сушите вдали от батареи и регулярно обрабатывайте кремом.",
        ),
        (
            "language",
            "Что такое орфография?",
            "Орфография — правила правописания слов.",
        ),
        (
            "science",
            "Почему на Луне нет воздуха?",
            "Притяжение Луны слишком слабо, чтобы удержать атмосферу, и газы со временем улетели "
            "в космос.",
        ),
        (
            "advice",
            "Как не проспать будильник?",
            "Поставьте будильник подальше от кровати, чтобы пришлось встать, и ложитесь вовремя.",
        ),
        (
            "health",
            "Сколько длится беременность у человека?",
            "Беременность длится около девяти месяцев, примерно 40 недель.",
        ),
        (
            "culture",
            "Что такое рецензия?",
            "Рецензия — отзыв с разбором и оценкой книги, фильма или научной работы.",
        ),
        (
            "how-to",
            "Что делать, если пересолил суп?",
            "Добавьте воды или несолёного бульона либо проварите в супе несколько сырых "
            "картофелин и достаньте их.",
        ),
        (
            "everyday",
            "Зачем пристёгиваться ремнём безопасности?",
            "При резком торможении или аварии ремень удерживает человека на месте и защищает от "
            "ударов о салон.",
        ),
        (
            "science",
            "Что такое гроза?",
            "Гроза — явление с молниями и громом, обычно с ливнем и сильным ветром.",
        ),
        (
            "math",
            "Сколько будет 1/2 + 1/4?",
            "Ответ — 3/4: 1/2 + 1/4 = 3/4.",
        ),
        (
            "everyday",
            "Как выбрать спелую дыню?",
            "Спелая дыня сильно пахнет, а кожура у хвостика слегка продавливается.",
        ),
        (
            "language",
            "Что такое пиктограмма?",
            "Пиктограмма — простой рисунок-значок, обозначающий предмет или действие, например "
            "значок телефона.",
        ),
        (
            "advice",
            "Как защититься от комаров на даче?",
            "Поставьте москитные сетки, уберите стоячую воду и пользуйтесь репеллентом.",
        ),
        (
            "science",
            "Что утверждает закон Архимеда?",
            "На тело, погружённое в жидкость, действует выталкивающая сила, равная весу "
            "вытесненной им жидкости.",
        ),
        (
            "language",
            "Что такое лайфхак?",
            "Лайфхак — простой хитрый приём, который упрощает повседневное дело.",
        ),
        (
            "facts",
            "Что такое рассрочка?",
            "Рассрочка — оплата покупки частями в течение оговорённого срока, обычно без "
            "процентов.",
        ),
        (
            "tech",
            "Как понять, что аккумулятор телефона изношен?",
            "Если телефон разряжается заметно быстрее обычного, греется или выключается при "
            "ненулевом заряде, аккумулятор изношен.",
        ),
        (
            "science",
            "Почему зимой в квартире сухой воздух?",
            "Холодный уличный воздух содержит мало влаги, а при нагреве батареями его "
            "относительная влажность падает ещё сильнее.",
        ),
        (
            "math",
            "Сколько будет 45 + 55?",
            "Получится 100: 45 + 55 = 100.",
        ),
        (
            "language",
            "Что такое опечатка?",
            "Опечатка — случайная ошибка в тексте при наборе или печати.",
        ),
        (
            "health",
            "Как помочь человеку, который подавился?",
            "Если он не может ни кашлять, ни говорить, встаньте сзади, обхватите его и несколько "
            "раз резко надавите кулаком под рёбра вверх; вызовите скорую.",
        ),
        (
            "geography",
            "Что такое полуостров?",
            "Полуостров — участок суши, с трёх сторон окружённый водой.",
        ),
        (
            "how-to",
            "Как хранить картофель?",
            "Храните картофель в тёмном прохладном сухом месте, отдельно от лука.",
        ),
        (
            "science",
            "Что такое рефлекс?",
            "Рефлекс — автоматическая реакция организма на раздражитель, например отдёргивание "
            "руки от горячего.",
        ),
        (
            "science",
            "Почему птицы осенью улетают на юг?",
            "Осенью на севере становится мало корма, и птицы улетают туда, где его хватает зимой.",
        ),
        (
            "math",
            "Как перевести градусы Цельсия в градусы Фаренгейта?",
            "Умножьте температуру по Цельсию на 1,8 и прибавьте 32.",
        ),
        (
            "culture",
            "Что такое былина?",
            "Былина — русская народная эпическая песня о подвигах богатырей.",
        ),
        (
            "facts",
            "Что такое валюта?",
            "Валюта — денежная единица страны, например рубль или евро.",
        ),
        (
            "math",
            "Сколько будет 7 × 7?",
            "Будет 49, потому что 7 × 7 = 49.",
        ),
    ],
    "unhelpful": [
        (
            "geography",
            "Как называется столица Греции?",
            "Столица Греции — Афины.",
        ),
        (
            "math",
            "Сколько будет 24 разделить на 6?",
            "Ответ — 4: 24 : 6 = 4.",
        ),
        (
            "science",
            "Что такое компост?",
            "Компост — удобрение, которое получается при разложении растительных остатков и "
            "пищевых отходов.",
        ),
        (
            "how-to",
            "Как убрать пятно от шариковой ручки с рубашки?",
            "Протрите пятно ватным диском со спиртом, промакивая от краёв к центру, затем "
            "постирайте.",
        ),
        (
            "science",
            "Почему собаки виляют хвостом?",
            "Так собаки выражают эмоции: чаще радость и возбуждение, но иногда и тревогу.",
        ),
        (
            "language",
            "Что означает слово «ностальгия»?",
            "Ностальгия — тоска по прошлому или по родине.",
        ),
        (
            "advice",
            "Как написать вежливое письмо преподавателю?",
            "Обратитесь по имени-отчеству, кратко изложите вопрос, поблагодарите и подпишитесь, "
            "указав группу.",
        ),
        (
            "health",
            "Чем полезна гречка?",
            "Гречка богата белком, клетчаткой, железом и магнием и надолго даёт сытость.",
        ),
        (
            "math",
            "Сколько будет 300 − 125?",
            "Получится 175: 300 − 125 = 175.",
        ),
        (
            "tech",
            "Что такое смартфон?",
            "Смартфон — мобильный телефон с функциями компьютера: интернетом, приложениями и "
            "камерой.",
        ),
        (
            "health",
            "Как часто нужно стричь ногти?",
            "Ногти на руках обычно стригут раз в 1–2 недели, на ногах — раз в 3–4 недели.",
        ),
        (
            "facts",
            "Какой цвет получится, если смешать синюю и красную краски?",
            "Получится фиолетовый цвет.",
        ),
        (
            "culture",
            "Кто написал рассказ «Муму»?",
            "Рассказ «Муму» написал Иван Тургенев.",
        ),
        (
            "language",
            "Как пишется: «в течение реки» или «в течении реки»?",
            "Правильно «в течении реки»: здесь это существительное «течение» в предложном падеже.",
        ),
        (
            "advice",
            "Как расслабиться перед сном?",
            "Выключите экраны за час до сна, приглушите свет и почитайте или примите тёплый душ.",
        ),
        (
            "math",
            "Что такое процент?",
            "Процент — сотая часть числа: 1 % от 200 — это 2.",
        ),
        (
            "tech",
            "Почему телефон нагревается при зарядке?",
            "При зарядке часть энергии превращается в тепло в аккумуляторе и схемах; лёгкий "
            "нагрев — это нормально.",
        ),
        (
            "how-to",
            "Как сварить макароны?",
            "Опустите макароны в кипящую подсоленную воду и варите столько минут, сколько указано "
            "на упаковке, помешивая.",
        ),
        (
            "geography",
            "Что такое пустыня?",
            "Пустыня — территория с очень малым количеством осадков и скудной растительностью.",
        ),
        (
            "science",
            "Сколько ног у краба?",
            "У краба десять ног, включая две клешни.",
        ),
        (
            "tech",
            "Как выбрать монитор для работы?",
            "Для работы подойдёт монитор 24–27 дюймов с IPS-матрицей и разрешением не ниже Full "
            "HD.",
        ),
        (
            "language",
            "Что значит «вешать нос»?",
            "«Вешать нос» — унывать, падать духом.",
        ),
        (
            "advice",
            "Как научиться кататься на коньках?",
            "Начните у бортика: слегка согните колени, наклонитесь вперёд и отталкивайтесь "
            "коньком в сторону, а не носком.",
        ),
        (
            "health",
            "Зачем нужны витамины?",
            "Витамины нужны для обмена веществ, роста и иммунитета, а сам организм почти их не "
            "вырабатывает.",
        ),
        (
            "math",
            "Сколько будет 16 × 4?",
            "Будет 64, потому что 16 × 4 = 64.",
        ),
        (
            "geography",
            "Что такое залив?",
            "Залив — часть моря или озера, которая вдаётся в сушу.",
        ),
        (
            "how-to",
            "Как приготовить сырники?",
            "Смешайте 400 г творога, яйцо, 2–3 ложки муки и сахар, сформуйте лепёшки, обваляйте в "
            "муке и обжарьте с двух сторон.",
        ),
        (
            "tech",
            "Что такое байт?",
            "Байт — единица информации из восьми битов.",
        ),
        (
            "health",
            "Что такое стресс?",
            "Стресс — реакция организма на сильную нагрузку или угрозу, которая мобилизует его "
            "силы.",
        ),
        (
            "everyday",
            "Почему нельзя выбрасывать батарейки в обычный мусор?",
            "В батарейках есть тяжёлые металлы, которые попадают в почву и воду; их сдают в "
            "пункты приёма.",
        ),
        (
            "culture",
            "Кто написал картину «Девятый вал»?",
            "Картину «Девятый вал» написал Иван Айвазовский.",
        ),
        (
            "advice",
            "Как выбрать подушку?",
            "Если спите на боку, высота подушки должна быть примерно равна ширине плеча; для сна "
            "на спине нужна пониже.",
        ),
        (
            "facts",
            "Что такое кредит?",
            "Кредит — деньги, которые банк даёт в долг под проценты на определённый срок.",
        ),
        (
            "math",
            "Сколько будет 5 в квадрате?",
            "Ответ — 25: 5² = 25.",
        ),
        (
            "language",
            "Что такое дедлайн?",
            "Дедлайн — крайний срок выполнения задачи.",
        ),
        (
            "how-to",
            "Как убрать запах пота с одежды?",
            "Замочите вещь на полчаса в воде с уксусом или содой, затем постирайте как обычно.",
        ),
        (
            "language",
            "Что такое наречие?",
            "Наречие — часть речи, которая обозначает признак действия, например «быстро» или "
            "«вчера».",
        ),
        (
            "science",
            "Почему звёзды мерцают?",
            "Их свет проходит через неспокойную атмосферу Земли и слегка отклоняется, поэтому "
            "звёзды мерцают.",
        ),
        (
            "advice",
            "Как не опоздать на самолёт?",
            "Приезжайте в аэропорт за 2 часа до внутреннего рейса и за 3 часа до международного, "
            "а зарегистрируйтесь онлайн заранее.",
        ),
        (
            "facts",
            "Как часто проходят летние Олимпийские игры?",
            "Летние Олимпийские игры проходят раз в четыре года.",
        ),
        (
            "culture",
            "Что такое поэма?",
            "Поэма — большое стихотворное произведение с сюжетом.",
        ),
        (
            "how-to",
            "Как вывести пятно крови с ткани?",
            "Замойте пятно холодной водой (горячая его закрепит), затем обработайте хозяйственным "
            "мылом или перекисью водорода.",
        ),
        (
            "health",
            "Зачем зимой носить шапку?",
            "Шапка защищает голову и уши от холода и обморожения.",
        ),
        (
            "geography",
            "Что такое туман?",
            "Туман — скопление мельчайших капель воды в воздухе у самой земли.",
        ),
        (
            "math",
            "Сколько будет 0,2 × 10?",
            "Получится 2: 0,2 × 10 = 2.",
        ),
        (
            "everyday",
            "Как выбрать спелый ананас?",
            "У спелого ананаса сладкий запах, а внутренние листья хохолка легко выдёргиваются.",
        ),
        (
            "facts",
            "Что такое вокзал?",
            "Вокзал — здание для обслуживания пассажиров на железнодорожной или автобусной "
            "станции.",
        ),
        (
            "health",
            "Как избавиться от икоты?",
            "Задержите дыхание на 10–20 секунд или медленно выпейте стакан воды маленькими "
            "глотками.",
        ),
        (
            "history",
            "Кто создал славянскую азбуку?",
            "Славянскую азбуку создали братья Кирилл и Мефодий в IX веке.",
        ),
        (
            "science",
            "Что такое гипотеза?",
            "Гипотеза — предположение, которое нужно проверить опытом или доказательством.",
        ),
        (
            "facts",
            "Что такое депозит?",
            "Депозит — деньги, положенные в банк на срок под проценты.",
        ),
        (
            "tech",
            "Можно ли заряжать телефон всю ночь?",
            "Можно: современные телефоны прекращают зарядку на 100 %, хотя для долговечности "
            "батареи лучше не держать её всегда полной.",
        ),
        (
            "geography",
            "Почему в пустыне ночью холодно?",
            "В пустыне сухой воздух и нет облаков, поэтому ночью тепло быстро уходит от земли.",
        ),
        (
            "math",
            "Сколько будет 1000 разделить на 4?",
            "Будет 250, потому что 1000 : 4 = 250.",
        ),
        (
            "culture",
            "Что такое эпиграф?",
            "Эпиграф — короткая цитата перед текстом или главой, которая задаёт его тему.",
        ),
        (
            "health",
            "Как помочь при носовом кровотечении?",
            "Сядьте, наклоните голову вперёд и прижмите крылья носа на 10 минут; голову не "
            "запрокидывайте.",
        ),
        (
            "geography",
            "Что такое материк?",
            "Материк — крупный массив суши, окружённый морями и океанами.",
        ),
        (
            "how-to",
            "Как хранить мёд?",
            "Храните мёд в закрытой стеклянной банке в тёмном месте при комнатной температуре.",
        ),
        (
            "science",
            "Что такое инстинкт?",
            "Инстинкт — врождённое поведение, которому не нужно учиться, например строительство "
            "гнезда у птиц.",
        ),
        (
            "everyday",
            "Почему кипяток опасно наливать в тонкий холодный стакан?",
            "Стекло нагревается неравномерно, в нём возникают напряжения, и стакан может треснуть.",
        ),
        (
            "math",
            "Как перевести километры в мили?",
            "Умножьте число километров на 0,62: 10 км — это около 6,2 мили.",
        ),
        (
            "culture",
            "Что такое баллада?",
            "Баллада — стихотворение с драматическим, часто фантастическим сюжетом, например "
            "«Светлана» Жуковского.",
        ),
        (
            "facts",
            "Что такое скидка?",
            "Скидка — уменьшение цены товара или услуги.",
        ),
        (
            "math",
            "Сколько будет 12 + 19?",
            "Ответ — 31: 12 + 19 = 31.",
        ),
        (
            "science",
            "Почему хлеб плесневеет?",
            "На хлеб попадают споры плесневых грибов из воздуха, и в тепле и влаге они быстро "
            "разрастаются.",
        ),
    ],
}

# ---------------------------------------------------------------------------------------------
# Building and checking
# ---------------------------------------------------------------------------------------------

#: Training sets whose prompts must not reappear in the eval sets (folder -> file).
TRAINING_FILES = {
    "ru_prefs": "data.jsonl",
    "ru_sft": "data.jsonl",
    "ru_kto": "data.jsonl",
    "ru_prompts": "data.jsonl",
}
MIN_ROWS = {"ru_en_parallel": 220, "ru_en_mc": 120, "ru_prefs": 320}
MAX_BYTES = 1_000_000


def normalise(text: str) -> str:
    """The comparison key of a prompt: case, ё/е, punctuation and spacing are ignored."""
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _check_text(where: str, text: object) -> None:
    assert isinstance(text, str) and text.strip(), f"{where}: empty text"
    assert text == text.strip(), f"{where}: text not stripped: {text!r}"
    assert "  " not in text, f"{where}: double space in {text!r}"


def _check_unique(name: str, keys: list[str]) -> None:
    seen: dict[str, str] = {}
    for key in keys:
        norm = normalise(key)
        assert norm not in seen, f"{name}: prompt twice: {key!r} / {seen[norm]!r}"
        seen[norm] = key


def parallel_entries() -> list[tuple[str, tuple[str, str, str, str]]]:
    """(category, (ru, en, ru_reference, en_reference)) in category order."""
    by_category = dict(PARALLEL)
    by_category["math"] = [*PARALLEL["math"], *math_templated()]
    return [(c, entry) for c, items in by_category.items() for entry in items]


def build_parallel() -> list[dict]:
    """Parallel prompt records with ids ``p001``, ``p002``, ... in category order."""
    records = []
    for i, (category, (ru, en, ru_ref, en_ref)) in enumerate(parallel_entries(), start=1):
        records.append(
            {
                "id": f"p{i:03d}",
                "category": category,
                "ru": ru,
                "en": en,
                "ru_reference": ru_ref,
                "en_reference": en_ref,
            }
        )
    for r in records:
        for key in ("ru", "en", "ru_reference", "en_reference"):
            _check_text(f"ru_en_parallel {r['id']}.{key}", r[key])
    _check_unique("ru_en_parallel (ru)", [r["ru"] for r in records])
    _check_unique("ru_en_parallel (en)", [r["en"] for r in records])
    return records


def place(choices: list[str], answer: int) -> list[str]:
    """The choices with the first one (the right answer) moved to index ``answer``."""
    rest = list(choices[1:])
    return [*rest[:answer], choices[0], *rest[answer:]]


def build_mc() -> list[dict]:
    """Multiple-choice records; the right answer (written first in ``MC``) is moved to
    position ``i % 4`` of the i-th item, so every position holds the answer equally often."""
    records = []
    entries = [(c, e) for c, items in MC.items() for e in items]
    for i, (category, (ru_q, ru_choices, en_q, en_choices)) in enumerate(entries):
        where = f"ru_en_mc m{i + 1:03d}"
        assert len(ru_choices) == len(en_choices) == 4, f"{where}: needs 4 choices per language"
        for lang, choices in (("ru", ru_choices), ("en", en_choices)):
            assert len({normalise(c) for c in choices}) == 4, f"{where}: {lang} choices repeat"
            for c in choices:
                _check_text(f"{where}.{lang}.choices", c)
        answer = i % 4
        records.append(
            {
                "id": f"m{i + 1:03d}",
                "category": category,
                "ru": {"question": ru_q, "choices": place(ru_choices, answer)},
                "en": {"question": en_q, "choices": place(en_choices, answer)},
                "answer": answer,
            }
        )
        _check_text(f"{where}.ru.question", ru_q)
        _check_text(f"{where}.en.question", en_q)
    _check_unique("ru_en_mc (ru)", [r["ru"]["question"] for r in records])
    _check_unique("ru_en_mc (en)", [r["en"]["question"] for r in records])
    return records


def eval_prompts(parallel: list[dict], mc: list[dict]) -> dict[str, str]:
    """Normalised Russian eval prompts -> where they come from."""
    keys = {normalise(r["ru"]): f"ru_en_parallel {r['id']}" for r in parallel}
    keys.update({normalise(r["ru"]["question"]): f"ru_en_mc {r['id']}" for r in mc})
    return keys


def training_prompts(record: dict) -> list[str]:
    """Every user-side text of a training record: ``prompt`` or the user turns of a chat."""
    if "messages" in record:
        return [m["content"] for m in record["messages"] if m.get("role") == "user"]
    prompt = record.get("prompt")
    if isinstance(prompt, list):  # conversational prompt
        return [m["content"] for m in prompt if m.get("role") == "user"]
    return [prompt] if isinstance(prompt, str) else []


def check_disjoint(evals: dict[str, str], training: dict[str, list[dict]]) -> list[str]:
    """Names of the training sets checked; fails if a Russian eval prompt is a training prompt."""
    checked, clashes = [], []
    for name, records in training.items():
        for record in records:
            for text in training_prompts(record):
                if normalise(text) in evals:
                    clashes.append(f"{evals[normalise(text)]} = {name}: {text!r}")
        checked.append(name)
    assert not clashes, "eval prompts that are training prompts:\n" + "\n".join(clashes)
    return checked


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def to_jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, so a crash leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def count_table(counter: Counter, header: str) -> str:
    """A Markdown table of counts, largest first (ties by name, so the card is stable)."""
    rows = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    lines = [f"| {header} | rows |", "|---|---:|"]
    lines += [f"| `{key}` | {n} |" for key, n in rows]
    return "\n".join(lines)


def example(record: dict) -> str:
    return "```json\n" + json.dumps(record, ensure_ascii=False, indent=2) + "\n```"


LICENSE = """## License

CC0-1.0 (public domain dedication): use, change and redistribute freely, no attribution
required."""

HOW_MADE = f"""## How it was made

Every text was written by hand for ruadapt by the project's contributors; nothing was copied
or machine-translated from an existing dataset or benchmark, and no model generated the
texts. The build script `{SCRIPT}` holds the hand-written lists and composes the file
deterministically (no random numbers, no clock):

```bash
python {SCRIPT}
```

regenerates this file and this card byte for byte. The script refuses to write an empty or
unstripped text or the same prompt twice (compared ignoring case, ё/е, punctuation and
spacing)."""


def disjoint_section(checked: list[str]) -> str:
    names = ", ".join(f"`{n.replace('_', '-')}`" for n in checked) or "(none present)"
    return f"""## Disjoint from the training sets

This is an **evaluation** set: never train on it. No Russian prompt in it equals (after the
normalisation above) a prompt of the bundled training sets; the build script checked this
against
{names},
and `tests/test_bundled_data.py` checks it for every build. The two eval sets
(`ru-en-parallel`, `ru-en-mc`) are written separately and ask different questions."""


def parallel_card(records: list[dict], checked: list[str]) -> str:
    cats = Counter(r["category"] for r in records)
    return f"""# ru-en-parallel: the same prompts in Russian and English, with references

## Purpose

Parallel Russian/English prompts with short reference answers in both languages. They are
the backbone of ruadapt's Russian-vs-English evaluation: each item asks for the same thing
in both languages, so a model's answers can be compared across languages on identical
content: answer quality against the reference (chrF/BLEU), whether it answers in the language
it was asked in, answer length in characters and in tokens (the tokenizer's "Russian
premium") and generation speed.

## Size

{len(records)} items (`data.jsonl`, one JSON object per line) in {len(cats)} categories:

{count_table(cats, "category")}

The prompts ask for a short answer ("answer briefly", "in one sentence") and the references
are one to three sentences, so that overlap metrics such as chrF and BLEU are meaningful.
The `math` category includes 15 word problems from five templates whose answers the build
script computes.

## Fields and format

- `id` (string): `p001`, `p002`, ... stable across rebuilds while the lists only grow at the
  end of a category.
- `category` (string): the kind of task (table above).
- `ru`, `en` (string): the prompt in Russian and in English (same content).
- `ru_reference`, `en_reference` (string): a short reference answer in each language.

Example:

{example(records[0])}

Read by `ruadapt eval` (the `ru-en-parallel` default of `ruadapt_evals.data.load_prompts`);
`ruadapt data inspect ru-en-parallel` shows it. A user's own file with the same fields can be
passed instead (`id`, `category` and the references are optional there).

## Intended use

Evaluation only: comparing a model before and after Russian adaptation, and its Russian
answers against its English ones. The references are one good answer, not the only one; use
them with overlap metrics or as a judge's reference, not as exact-match targets.

{HOW_MADE}

{disjoint_section(checked)}

{LICENSE}

## Limitations

Small and hand-written: a signal for comparing models and runs, not a benchmark with
published baselines. English and Russian references are faithful translations of each other
but not word-for-word; examples inside them (palindromes, proverbs, loanwords) are chosen
natively for each language. Facts were checked by the authors but may contain mistakes;
report them as an issue.
"""


def mc_card(records: list[dict], checked: list[str]) -> str:
    cats = Counter(r["category"] for r in records)
    answers = Counter(r["answer"] for r in records)
    positions = ", ".join(f"{k}: {answers[k]}" for k in sorted(answers))
    return f"""# ru-en-mc: four-option multiple choice in Russian and English

## Purpose

Four-option multiple-choice questions in parallel Russian and English. They serve
log-probability evaluation: the model scores each option, and accuracy in Russian is compared
with accuracy in English on the same questions (in the style of MERA, Darumeru and MMLU-type
tasks, but small and offline).

## Size

{len(records)} questions (`data.jsonl`), four options each, in {len(cats)} categories:

{count_table(cats, "category")}

The right answer is balanced across positions (index {positions}), so a
model that always picks the same letter scores exactly 25 %.

## Fields and format

- `id` (string): `m001`, `m002`, ...
- `category` (string): the subject (table above).
- `ru`, `en` (object): `{{"question": str, "choices": [str, str, str, str]}}`; the choices are
  in the same order in both languages.
- `answer` (int): the index (0-3) of the right choice in `choices`.

Example:

{example(records[1])}

Read by `ruadapt eval` (the `ru-en-mc` default of `ruadapt_evals.data.load_choice_items`);
`ruadapt data inspect ru-en-mc` shows it.

## Intended use

Evaluation only. The `language` category asks about Russian words and grammar in both
languages (the English version quotes the Russian words), so its English accuracy measures
knowledge of Russian, not of English.

{HOW_MADE} Each question's right answer is written first in the script and moved to position
`i % 4` for the i-th question.

{disjoint_section(checked)}

{LICENSE}

## Limitations

Mostly general-knowledge questions at school level; the distractors are plausible but not
adversarial. Facts were checked by the authors but may contain mistakes; report them as an
issue.
"""


# Hand-written filler for the "verbose" rejected answers: intro + right answer + hedge + outro,
# rotated by position so that consecutive pairs get different padding.
VERBOSE_INTROS = (
    "Это очень интересный вопрос, и над ним, если задуматься, размышляли многие люди в самые "
    "разные времена, так что позвольте ответить подробно и обстоятельно.",
    "Прежде чем ответить, хочу сказать, что это прекрасный вопрос, и я постараюсь рассмотреть "
    "его со всех сторон, чтобы ничего не упустить.",
    "Итак, давайте разберёмся. Вопрос кажется простым, но на самом деле за ним скрывается "
    "немало нюансов, о которых стоит поговорить.",
    "Отличный вопрос! Многие им задаются, и, честно говоря, на него можно отвечать очень "
    "долго, но я попробую изложить самое главное, а потом ещё немного дополнить.",
    "Знаете, на этот счёт существует множество мнений, и каждое по-своему интересно, но если "
    "говорить в целом и в общем, то ответ примерно такой.",
    "Хм, дайте подумать. Если подойти к вопросу основательно и начать, как говорится, "
    "издалека, то можно сказать следующее.",
    "Спасибо за вопрос! Я очень рад, что вы его задали, потому что это действительно важная "
    "тема, о которой стоит знать каждому.",
)
VERBOSE_HEDGES = (
    "Иными словами, если повторить то же самое ещё раз другими словами, суть остаётся прежней, "
    "и именно это здесь главное.",
    "Конечно, тут есть множество тонкостей и исключений, и в разных источниках об этом пишут "
    "немного по-разному, но в целом это так.",
    "То есть, подводя промежуточный итог, можно сказать, что ответ именно такой, как написано "
    "выше, хотя, разумеется, всегда есть нюансы.",
    "Впрочем, стоит оговориться, что всё это верно в большинстве случаев, но не обязательно во "
    "всех, и многое зависит от конкретной ситуации.",
    "Ещё раз подчеркну: это главное, что нужно запомнить, и об этом стоит помнить всегда, в "
    "любой ситуации.",
)
VERBOSE_OUTROS = (
    "Надеюсь, мой ответ был полезен, хотя тема, безусловно, намного шире, и при желании её "
    "можно изучать ещё очень долго.",
    "Если у вас остались вопросы, не стесняйтесь спрашивать, ведь, как известно, глупых "
    "вопросов не бывает.",
    "В общем, вот так. Это, пожалуй, всё, что можно сказать кратко, хотя кратко, как видите, "
    "не совсем получилось.",
    "Таким образом, подводя итог всему сказанному выше, можно ещё раз повторить, что ответ на "
    "ваш вопрос именно такой.",
    "Разумеется, это лишь общий взгляд на вопрос, и для полной картины стоило бы прочитать ещё "
    "несколько книг и статей на эту тему.",
    "Вот, собственно, и всё, что я хотел сказать по этому поводу, хотя, наверное, можно было бы "
    "добавить ещё многое.",
)
#: Evasions and refusals for simple, harmless questions ("unhelpful" rejected answers).
UNHELPFUL_REPLIES = (
    "Извините, я не могу ответить на этот вопрос.",
    "Это слишком сложный вопрос, лучше спросите у специалиста.",
    "Поищите ответ в интернете, там всё есть.",
    "Не знаю. Попробуйте спросить кого-нибудь другого.",
    "Я не уверен, что мне стоит об этом говорить.",
    "Всё зависит от обстоятельств, однозначно ответить нельзя.",
    "Хороший вопрос! Подумайте над ним сами — так вы лучше запомните.",
    "К сожалению, у меня нет информации на эту тему.",
    "Я бы не хотел отвечать на это.",
    "Этот вопрос выходит за рамки моих возможностей.",
    "Ответ на этот вопрос вы наверняка и так знаете.",
    "Мне нужно больше контекста, чтобы ответить.",
    "Давайте лучше поговорим о чём-нибудь другом.",
)
REJECTED_TYPES = {
    "english": "a correct answer, but in English although the user wrote in Russian",
    "mixed": "Russian and English mixed within one answer",
    "wrong": "fluent Russian, but the fact or the arithmetic is wrong",
    "verbose": "the right answer buried in filler, hedging and repetition",
    "unhelpful": "a refusal or evasion where a simple, harmless answer was expected",
}


def verbose(chosen: str, i: int) -> str:
    """The right answer padded with hand-written filler (the i-th combination)."""
    parts = (
        VERBOSE_INTROS[i % len(VERBOSE_INTROS)],
        chosen,
        VERBOSE_HEDGES[i % len(VERBOSE_HEDGES)],
        VERBOSE_OUTROS[i % len(VERBOSE_OUTROS)],
    )
    return " ".join(parts)


def build_prefs() -> list[dict]:
    """Preference pairs; the rejected types are interleaved (one of each in turn) so that any
    prefix of the file, e.g. ``--max-samples 50``, holds every type."""
    by_type: dict[str, list[dict]] = {}
    for kind, items in PREFS_PAIRED.items():
        by_type[kind] = [
            {"prompt": p, "chosen": c, "rejected": r, "category": cat, "rejected_type": kind}
            for cat, p, c, r in items
        ]
    for kind, single in PREFS_SINGLE.items():
        rows = []
        for i, (cat, p, c) in enumerate(single):
            r = (
                verbose(c, i)
                if kind == "verbose"
                else UNHELPFUL_REPLIES[i % len(UNHELPFUL_REPLIES)]
            )
            rows.append(
                {"prompt": p, "chosen": c, "rejected": r, "category": cat, "rejected_type": kind}
            )
        by_type[kind] = rows
    assert set(by_type) == set(REJECTED_TYPES), set(by_type) ^ set(REJECTED_TYPES)
    records = []
    for i in range(max(len(rows) for rows in by_type.values())):
        records += [rows[i] for kind, rows in by_type.items() if i < len(rows)]
    for n, r in enumerate(records, start=1):
        for key in ("prompt", "chosen", "rejected"):
            _check_text(f"ru_prefs row {n}.{key}", r[key])
        assert normalise(r["chosen"]) != normalise(r["rejected"]), f"ru_prefs row {n}: same answers"
        assert len(r["chosen"]) < len(r["rejected"]) or r["rejected_type"] != "verbose"
    _check_unique("ru_prefs", [r["prompt"] for r in records])
    return records


def mean_len(records: list[dict], kind: str, key: str) -> float:
    """Mean length in characters of ``key`` over the pairs of one rejected type."""
    texts = [r[key] for r in records if r["rejected_type"] == kind]
    return sum(map(len, texts)) / len(texts)


def prefs_card(records: list[dict], eval_names: list[str]) -> str:
    types = Counter(r["rejected_type"] for r in records)
    cats = Counter(r["category"] for r in records)
    type_rows = "\n".join(
        f"| `{t}` | {types[t]} | {meaning} |" for t, meaning in REJECTED_TYPES.items()
    )
    lengths = ", ".join(
        f"{t} {mean_len(records, t, 'chosen'):.0f} / {mean_len(records, t, 'rejected'):.0f}"
        for t in REJECTED_TYPES
    )
    examples = [next(r for r in records if r["rejected_type"] == t) for t in ("english", "mixed")]
    return f"""# ru-prefs: Russian preference pairs (chosen / rejected)

## Purpose

Russian preference pairs (prompt, chosen, rejected) for pairwise methods. They serve DPO,
ORPO, SimPO, reward models and the like (`ruadapt run --plugin dpo --data ru-prefs`). The chosen
answer is a correct, concise, helpful
answer in Russian; the rejected answer shows a typical failure of a model being adapted to
Russian: answering in English, mixing languages, being wrong, being verbose or being unhelpful.

## Size

{len(records)} pairs (`data.jsonl`), every prompt once. Rejected types:

| rejected_type | rows | the rejected answer is |
|---|---:|---|
{type_rows}

Categories of the prompts:

{count_table(cats, "category")}

Mean length in characters, chosen / rejected, by type:
{lengths}. Only the verbose rejected
answers are much longer than the chosen ones (on purpose); the rejected answers of the other
types are about as long or shorter, so length alone does not separate them. The rows
interleave the rejected types, so any prefix of the file holds all five.

## Fields and format

- `prompt` (string): the user's request, in Russian.
- `chosen` (string): the preferred answer, in Russian.
- `rejected` (string): the dispreferred answer (never equal to `chosen`).
- `category` (string): the topic of the prompt (table above).
- `rejected_type` (string): what is wrong with `rejected` (table above).

Examples:

{example(examples[0])}

{example(examples[1])}

Loaded as the `preference` data kind (`ruadapt data inspect ru-prefs`); methods that need
unpaired data (KTO) can take it through the preference → binary conversion.

## Intended use

Training: preference optimisation and reward models, the tiny demonstration runs, tests of
the preference data path. For a real adaptation mix it with a larger public Russian
preference set (see the README for loading one by hub id).

{HOW_MADE} The "verbose" rejected answers are the chosen answer wrapped in hand-written filler
(an opening, a hedge and a closing, rotated by position); the "unhelpful" ones are thirteen
hand-written evasions used in turn; all other answers are written per prompt.

## Disjoint from the eval sets

This is a **training** set. No prompt in it equals (after the normalisation above) a Russian
prompt of the eval sets {", ".join(f"`{n}`" for n in eval_names)}; the build script checks this
on every build, and `tests/test_bundled_data.py` checks it too.

{LICENSE}

## Limitations

Small and hand-written: enough to show that a pairwise method moves a model towards concise
Russian answers, not enough to teach new knowledge. A few prompts share general facts with
other bundled sets (the prompts themselves differ). Facts were checked by the authors but may
contain mistakes; report them as an issue.
"""


def load_training(exclude: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    """The training sets present on disk (others may not be built yet)."""
    out = {}
    for folder, filename in TRAINING_FILES.items():
        path = ROOT / folder / filename
        if folder not in exclude and path.is_file():
            out[folder] = read_jsonl(path)
    return out


def write_set(folder: str, records: list[dict], card: str) -> None:
    text = to_jsonl(records)
    assert len(records) >= MIN_ROWS[folder], f"{folder}: only {len(records)} rows"
    assert len(text.encode("utf-8")) < MAX_BYTES, f"{folder}: data.jsonl over {MAX_BYTES} bytes"
    write_atomic(ROOT / folder / "data.jsonl", text)
    write_atomic(ROOT / folder / "README.md", card)
    print(f"{folder}: {len(records)} rows, {len(text.encode('utf-8'))} bytes")


def main() -> None:
    """Build and check all three sets, then write them with their cards."""
    parallel = build_parallel()
    mc = build_mc()
    prefs = build_prefs()
    evals = eval_prompts(parallel, mc)
    training = {"ru_prefs": prefs, **load_training(exclude=("ru_prefs",))}
    checked = check_disjoint(evals, training)
    outputs = [
        ("ru_en_parallel", parallel, parallel_card(parallel, checked)),
        ("ru_en_mc", mc, mc_card(mc, checked)),
        ("ru_prefs", prefs, prefs_card(prefs, ["ru-en-parallel", "ru-en-mc"])),
    ]
    for folder, records, _ in outputs:  # every check passes before anything is written
        assert len(records) >= MIN_ROWS[folder], f"{folder}: only {len(records)} rows"
    for folder, records, card in outputs:
        write_set(folder, records, card)


if __name__ == "__main__":
    main()
