"""VIG Workbook core: the domain, storage and logic, with no Streamlit imports."""
