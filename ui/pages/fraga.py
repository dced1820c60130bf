from ui.chat import chat_page

chat_page()
