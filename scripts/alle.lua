require "kbh.ensomhed"
